from __future__ import annotations

from django.db import models


class Region(models.Model):
    """A Kemendagri region: `13`, `13.11`, `13.11.01`, `13.11.01.2001` (never BPS codes, never ints).

    `current` is False for codes of earlier editions that no longer exist (91.01 Merauke before the
    2022 Papua split); NIKs issued there keep them, so they stay known.
    """

    class Level(models.IntegerChoices):
        PROVINSI = 1, "Provinsi"
        KABKOTA = 2, "Kabupaten/Kota"
        KECAMATAN = 3, "Kecamatan"
        DESA = 4, "Desa/Kelurahan"

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=120)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    kind = models.CharField(max_length=12)  # provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan, ...
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    current = models.BooleanField(default=True)
    boundary = models.JSONField(null=True, blank=True)  # GeoJSON geometry, loaded from a file

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "current"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
