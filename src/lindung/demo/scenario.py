"""The demo scenario of `lindung demo`: the Pemda of the seed stories, with made-up rosters at their scale.

Places (../shared/seeds): Kabupaten Solok Selatan (34 OPD and its nagari with their perangkat), Provinsi
Sulawesi Tenggara and its 17 kab/kota (the six the story counts at its numbers), Kabupaten OKU Timur
(about 4,000 non-ASN), Kabupaten Banjarnegara, and the five kab/kota of BPJS TK KC Palembang.

Every person is invented: names drawn from regional name lists, NIKs with a real kecamatan prefix of the
employer's region, the birth date (women +40) and a fresh serial; phones, wages, start dates, SK numbers.
Codes are looked up by name in the Region table, never guessed.

Deterministic: one `random.Random(2021)` draws everything in a fixed order, whatever the database holds.
Idempotent: an employer that already has workers is left as it is ("sudah ada").

Later issues add agreements, enrolment and coverage: each place is one `demo_*` function adding its
employers to the `Scene`; `write_scene` writes what is missing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction
from django.db.models import Count

from lindung.demo.vocabulary import (
    ADULT_DAYS,
    AGE_DAY,
    BUTON,
    FIRST_START,
    JATENG,
    KABKOTA_OPD,
    KECAMATAN,
    LAST_START,
    OKU_TIMUR,
    PHONE_PREFIXES,
    PROVINSI_OPD,
    PUSKESMAS,
    RSUD,
    SEED,
    SULTRA,
    SUMBAR,
    SUMSEL,
    Job,
    NamePool,
    Style,
    T,
    UnitPlan,
    perangkat_nagari,
)
from lindung.domain.errors import NotFound
from lindung.intake.services import insert_employments, insert_workers
from lindung.regions.models import Region
from lindung.registry.models import BranchOffice, Change, Employer, Employment, Worker, WorkUnit
from lindung.registry.services import add_employer, open_changeset
from lindung.registry.signals import notify

ROSTER_SCHEMA = {
    "nik": pl.String,
    "name": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "phone": pl.String,
    "domicile_id": pl.String,
    "unit_code": pl.String,
    "category": pl.String,
    "job_title": pl.String,
    "wage": pl.Int64,
    "start_date": pl.Date,
    "sk_number": pl.String,
}


def _allocate(total: int, weights: Sequence[float], minimum: int = 2) -> list[int]:
    """Split `total` by `weights` (largest remainder), at least `minimum` each."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"{total} pekerja terlalu sedikit untuk {len(weights)} unit")
    raw = [rest * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))[: rest - sum(counts)]:
        counts[i] += 1
    return [c + minimum for c in counts]


class Generator:
    """The shared worker generator: people, NIKs, phones, wages, dates and SK numbers from one seed."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.niks: set[str] = set()
        self._sk: dict[tuple[str, str, int], str] = {}

    def pick(self, weighted: Sequence[tuple[T, float]]) -> T:
        return self.rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    def name(self, pool: NamePool, female: bool, job: Job) -> str:
        rng = self.rng
        parts = []
        r, acc = rng.random(), 0.0
        for prefix, share in pool.female_prefix if female else pool.male_prefix:
            acc += share
            if r < acc:
                parts.append(prefix)
                break
        first = rng.choice(pool.female if female else pool.male)
        if parts and first.startswith(parts[0][:3]):  # not "Muh. Muhammad"
            parts.clear()
        parts.append(first)
        if rng.random() >= pool.single:
            last = rng.choice(pool.female_last if female else pool.male_last)
            if last != first:
                parts.append(last)
        name = " ".join(parts)
        if job.degrees and rng.random() < 0.5:
            name += ", " + rng.choice(job.degrees)
        return name

    def birth_date(self, min_age: int, until: dt.date = LAST_START) -> dt.date:
        oldest = dt.date(AGE_DAY.year - 61, AGE_DAY.month, AGE_DAY.day) + dt.timedelta(days=1)
        youngest = min(dt.date(AGE_DAY.year - min_age, 1, 1), until - dt.timedelta(days=ADULT_DAYS + 60))
        age = self.rng.triangular(min_age, 61, 33)
        born = AGE_DAY - dt.timedelta(days=int(age * 365.25))
        return min(max(born, oldest), youngest)

    def nik(self, kecamatan: str, born: dt.date, female: bool) -> str:
        """PP KK CC DDMMYY SSSS; serials are small, as most are, and never 0000."""
        prefix = kecamatan.replace(".", "")
        if len(prefix) != 6 or not prefix.isdigit():
            raise ValueError(f"kode kecamatan {kecamatan} tidak berbentuk NN.NN.NN")
        stem = f"{prefix}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}"
        for attempt in range(100):
            nik = f"{stem}{self.rng.randint(1, 30 if attempt < 10 else 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik
        raise RuntimeError("serial NIK habis")  # 9,999 people of one kecamatan born on one day

    def phone(self) -> str:
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(self.rng.choice((7, 8, 8, 8, 9))))
        return self.rng.choice(PHONE_PREFIXES) + digits

    def start_date(self, born: dt.date, until: dt.date = LAST_START) -> dt.date:
        """A start between 2015 and `until`, never before the worker is 18."""
        rng = self.rng
        earliest = max(FIRST_START, born + dt.timedelta(days=ADULT_DAYS))
        start = dt.date(
            rng.randint(2015, until.year), rng.randint(1, 12), 1 if rng.random() < 0.8 else rng.randint(2, 28)
        )
        if start < earliest:
            start = earliest + dt.timedelta(days=rng.randint(0, (until - earliest).days))
        return min(start, until)

    def wage(self, style: Style, job: Job) -> int:
        if job.wage is not None:
            return job.wage
        position = min(1.0, max(0.0, job.level + self.rng.gauss(0, 0.12)))
        steps = (style.wage_max - style.wage_min) // 50_000
        return style.wage_min + round(position * steps) * 50_000

    def sk_number(self, employer: str, unit: UnitPlan, style: Style, year: int) -> str:
        """One SK per unit and year, as Pemda appoint their non-ASN in batches."""
        key = (employer, unit.code, year)
        if key not in self._sk:
            number = self.rng.randint(5, 980)
            if unit.fixed:
                self._sk[key] = f"141/{number % 60 + 1:02d}/KPTS-WN/{year}"
            else:
                office = unit.code if unit.kind in ("rsud", "puskesmas", "sekolah") else style.sk_office
                self._sk[key] = f"800/{number}/{office}/{year}"
        return self._sk[key]

    def roster(
        self,
        employer: str,
        units: Sequence[UnitPlan],
        total: int,
        style: Style,
        kecamatan: Sequence[tuple[str, float]],
        desa: Mapping[str, Sequence[str]],
        until: dt.date = LAST_START,
    ) -> pl.DataFrame:
        """`total` workers over the units without fixed posts, plus each fixed post; NIKs born in `kecamatan`;
        every start on or before `until`."""
        rng = self.rng
        flexible = [u for u in units if not u.fixed]
        shares = [u.weight * rng.uniform(0.7, 1.3) for u in flexible]
        counts = dict(zip([u.code for u in flexible], _allocate(total, shares) if flexible else [], strict=True))
        rows: list[tuple[object, ...]] = []
        for unit in units:
            if unit.fixed:
                jobs = [job for job in unit.jobs for _ in range(int(job.weight))]
            else:
                jobs = rng.choices(unit.jobs, [j.weight for j in unit.jobs], k=counts[unit.code])
            for job in jobs:
                female = rng.random() < job.female
                name = self.name(self.pick(style.names), female, job)
                born = self.birth_date(job.min_age, until)
                home = unit.home if unit.home and rng.random() < 0.7 else self.pick(kecamatan)
                nik = self.nik(home, born, female)
                if unit.desa:
                    domicile: str | None = unit.desa
                else:
                    places = desa.get(home, ())
                    domicile = rng.choice(places) if places and rng.random() < 0.8 else None
                phone = self.phone() if rng.random() < 0.9 else None
                category = job.category or self.pick(style.categories)
                wage = self.wage(style, job)
                start = self.start_date(born, until)
                sk = self.sk_number(employer, unit, style, start.year) if rng.random() < 0.92 else None
                rows.append(
                    (
                        nik,
                        name,
                        born,
                        "P" if female else "L",
                        phone,
                        domicile,
                        unit.code,
                        category,
                        job.title,
                        wage,
                        start,
                        sk,
                    )
                )
        return pl.DataFrame(rows, schema=ROSTER_SCHEMA, orient="row")


# -- the places ------------------------------------------------------------------------------------


class Atlas:
    """Current regions, read once and found by name: the demo never guesses a code."""

    def __init__(self) -> None:
        regions = list(Region.objects.filter(current=True, level__lte=3).order_by("code"))
        self.children: dict[str, list[Region]] = {}
        self.provinces = {r.name: r for r in regions if r.level == Region.Level.PROVINSI}
        for r in regions:
            if r.parent_id:
                self.children.setdefault(r.parent_id, []).append(r)
        self._desa: dict[str, list[Region]] = {}

    def province(self, name: str) -> Region:
        if name not in self.provinces:
            raise NotFound(f"Provinsi {name} tidak ada di tabel wilayah; jalankan `lindung init` dahulu")
        return self.provinces[name]

    def kabkota(self, province: Region, name: str) -> Region:
        for r in self.children.get(province.code, []):
            if r.name == name:
                return r
        raise NotFound(f"{name} tidak ada di bawah {province.code} {province.name}; jalankan `lindung init` dahulu")

    def kabkota_of(self, province: Region) -> list[Region]:
        return list(self.children.get(province.code, []))

    def kecamatan(self, kabkota: str) -> list[Region]:
        return list(self.children.get(kabkota, []))

    def desa(self, kecamatan: str) -> list[Region]:
        """Desa/kelurahan (nagari in Sumatera Barat), loaded per kab/kota on first use."""
        kabkota = kecamatan.rsplit(".", 1)[0]
        if kabkota not in self._desa:
            self._desa[kabkota] = []
            for r in Region.objects.filter(current=True, level=Region.Level.DESA, parent__parent_id=kabkota).order_by(
                "code"
            ):
                self._desa.setdefault(str(r.parent_id), []).append(r)
        return self._desa.get(kecamatan, [])


@dataclass
class EmployerPlan:
    region: Region
    units: list[UnitPlan]
    workers: pl.DataFrame  # ROSTER_SCHEMA: a worker and its employment per row, unit by code


@dataclass(frozen=True)
class BranchPlan:
    code: str
    name: str
    territory: tuple[str, ...]  # kab/kota codes


@dataclass
class Scene:
    """Everything the demo holds, built from the seed before anything is written."""

    atlas: Atlas
    generator: Generator
    employers: list[EmployerPlan] = field(default_factory=list)
    branches: list[BranchPlan] = field(default_factory=list)


def _short(region: Region) -> str:
    return region.name.removeprefix("Kabupaten ")


def kabkota_units(region: Region, count: int, atlas: Atlas, rng: random.Random) -> list[UnitPlan]:
    """`count` units: the largest OPD, the RSUD, kecamatan offices and puskesmas named after kecamatan."""
    kecamatan = atlas.kecamatan(region.code)
    offices = min(len(kecamatan), count // 3)
    clinics = min(len(kecamatan), count // 8)
    sumbar = region.code.startswith("13.")
    opd = [u for u in KABKOTA_OPD if not (u.code == "DPMD" and region.kind == "kota")]
    if sumbar:
        opd = [
            UnitPlan("DPMN", "Dinas Pemberdayaan Masyarakat dan Nagari", u.kind, u.weight, u.jobs)
            if u.code == "DPMD"
            else u
            for u in opd
        ]
    units = opd[: count - 1 - offices - clinics]
    units.append(UnitPlan("RSUD", f"RSUD {_short(region)}", "rsud", 4, RSUD))
    for k in sorted(rng.sample(kecamatan, offices), key=lambda r: r.code):
        units.append(UnitPlan(f"KEC-{k.code[-2:]}", f"Kecamatan {k.name}", "kecamatan", 1.2, KECAMATAN, k.code))
    for k in sorted(rng.sample(kecamatan, clinics), key=lambda r: r.code):
        units.append(UnitPlan(f"PKM-{k.code[-2:]}", f"Puskesmas {k.name}", "puskesmas", 1.5, PUSKESMAS, k.code))
    return units


def _desa_codes(atlas: Atlas, kecamatan: Iterable[str]) -> dict[str, list[str]]:
    return {k: [d.code for d in atlas.desa(k)] for k in kecamatan}


def kabkota_plan(
    scene: Scene,
    region: Region,
    workers: int,
    style: Style,
    units: list[UnitPlan] | None = None,
    until: dt.date = LAST_START,
) -> EmployerPlan:
    """A kab/kota Pemda with 10-40 units (more for a larger roster) and `workers` non-ASN."""
    gen = scene.generator
    if units is None:
        units = kabkota_units(region, min(40, 10 + workers // 100), scene.atlas, gen.rng)
    kecamatan = [(k.code, 1.0) for k in scene.atlas.kecamatan(region.code)]
    desa = _desa_codes(scene.atlas, (k for k, _ in kecamatan))
    roster = gen.roster(region.code, units, workers, style, kecamatan, desa, until)
    plan = EmployerPlan(region, units, roster)
    scene.employers.append(plan)
    return plan


def demo_solok_selatan(scene: Scene) -> None:
    """34 OPD, of which 11 had registered their non-ASN in July 2019, and the nagari: 29 wali nagari had
    registered their perangkat (seed 000)."""
    atlas = scene.atlas
    region = atlas.kabkota(atlas.province("Sumatera Barat"), "Kabupaten Solok Selatan")
    units = kabkota_units(region, 34, atlas, scene.generator.rng)
    for k in atlas.kecamatan(region.code):
        for d in atlas.desa(k.code):
            jobs = perangkat_nagari(jorong=scene.generator.rng.randint(3, 6))
            code = f"NGR-{d.code[-7:]}"  # NGR-01.2001
            units.append(UnitPlan(code, f"Nagari {d.name}", "desa", 1, jobs, k.code, d.code))
    kabkota_plan(scene, region, 600, SUMBAR, units)


SULTRA_NAMED = {  # seed 002: non-ASN protected in October 2018
    "Kota Kendari": 1135,
    "Kabupaten Bombana": 1285,
    "Kabupaten Konawe": 3301,
    "Kabupaten Konawe Selatan": 202,
    "Kabupaten Kolaka": 295,
    "Kabupaten Kolaka Timur": 236,
}


SULTRA_DAY = dt.date(2018, 10, 4)  # seed 002: the cards were handed over on Thursday 4 October 2018
SULTRA_HIRED_BY = dt.date(2018, 9, 30)


def demo_sultra(scene: Scene) -> None:
    """Pemprov Sultra (977 honorer, Setda first) and its 17 kab/kota; the eleven the story lists as not yet
    registered get smaller rosters (seed 002).

    The Pemprov and the six kab/kota the story counts were all hired by the end of September 2018, so that
    their whole roster on 4 October 2018 is the story's number (PP 49/2018 barred new honorer from
    November 2018); the other eleven hire until 2024 like everywhere else."""
    atlas, gen = scene.atlas, scene.generator
    province = atlas.province("Sulawesi Tenggara")
    named = {atlas.kabkota(province, name).code: n for name, n in SULTRA_NAMED.items()}
    kabkota = atlas.kabkota_of(province)
    capital = atlas.kabkota(province, "Kota Kendari").code
    weights = [(k.code, 8.0 if k.parent_id == capital else 1.0) for r in kabkota for k in atlas.kecamatan(r.code)]
    desa = _desa_codes(atlas, (k for k, _ in weights))
    roster = gen.roster(province.code, PROVINSI_OPD, 977, SULTRA, weights, desa, SULTRA_HIRED_BY)
    scene.employers.append(EmployerPlan(province, list(PROVINSI_OPD), roster))
    for region in kabkota:
        buton = any(word in region.name for word in ("Buton", "Muna", "Wakatobi", "Bau"))
        workers = named.get(region.code) or gen.rng.randrange(150, 401, 10)
        until = SULTRA_HIRED_BY if region.code in named else LAST_START
        kabkota_plan(scene, region, workers, BUTON if buton else SULTRA, until=until)


def demo_oku_timur(scene: Scene) -> None:
    """About 4,000 non-ASN proposed for registration, "from cleaning service to night guard" (seed 001)."""
    region = scene.atlas.kabkota(scene.atlas.province("Sumatera Selatan"), "Kabupaten Ogan Komering Ulu Timur")
    kabkota_plan(scene, region, 4000, OKU_TIMUR)
    # OKU Timur is served by BPJS TK KC Baturaja: its officer verifies, approves and pays the demo's claims there.
    scene.branches.append(BranchPlan("KC-BTA", "KC Baturaja", (region.code,)))


def demo_banjarnegara(scene: Scene) -> None:
    """THL and PTT under a nota kesepakatan with KC Purwokerto, effective 1 November 2022 (seed 003)."""
    region = scene.atlas.kabkota(scene.atlas.province("Jawa Tengah"), "Kabupaten Banjarnegara")
    kabkota_plan(scene, region, 2500, JATENG)


KC_PALEMBANG = {  # seed 004: the Pemda in KC Palembang's territory
    "Kota Palembang": 950,
    "Kabupaten Ogan Ilir": 380,
    "Kabupaten Ogan Komering Ilir": 450,
    "Kabupaten Banyuasin": 470,
    "Kabupaten Musi Banyuasin": 500,
}


def demo_kc_palembang(scene: Scene) -> None:
    """Kota Palembang, Ogan Ilir, OKI, Banyuasin and Musi Banyuasin, and the branch office that serves them."""
    province = scene.atlas.province("Sumatera Selatan")
    territory = []
    for name, workers in KC_PALEMBANG.items():
        region = scene.atlas.kabkota(province, name)
        kabkota_plan(scene, region, workers, SUMSEL)
        territory.append(region.code)
    scene.branches.append(BranchPlan("KC-PLG", "KC Palembang", tuple(territory)))


def plan_demo(seed: int = SEED) -> Scene:
    """The whole scenario, drawn in a fixed order; reads regions, writes nothing."""
    scene = Scene(Atlas(), Generator(seed))
    demo_solok_selatan(scene)
    demo_sultra(scene)
    demo_oku_timur(scene)
    demo_banjarnegara(scene)
    demo_kc_palembang(scene)
    return scene


# -- writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployerOutcome:
    code: str
    name: str
    units: int
    workers: int
    created: bool  # False: it already had workers and was left alone ("sudah ada")


@dataclass(frozen=True)
class BranchOutcome:
    code: str
    name: str
    territory: int
    changed: bool


@dataclass(frozen=True)
class DemoResult:
    employers: tuple[EmployerOutcome, ...]
    branches: tuple[BranchOutcome, ...]
    changeset_id: int | None
    dropped: int = 0  # generated workers whose NIK the registry already held

    @property
    def changed(self) -> bool:
        return self.changeset_id is not None

    def as_dict(self) -> dict[str, object]:
        return {
            "changed": self.changed,
            "changeset": self.changeset_id,
            "employers": [vars(e) for e in self.employers],
            "branches": [vars(b) for b in self.branches],
            "workers_created": sum(e.workers for e in self.employers if e.created),
            "dropped": self.dropped,
        }


def _existing_niks(niks: list[str]) -> set[str]:
    found: set[str] = set()
    for offset in range(0, len(niks), 5000):
        found.update(Worker.objects.filter(nik__in=niks[offset : offset + 5000]).values_list("nik", flat=True))
    return found


def _create_units(todo: list[tuple[EmployerPlan, Employer]], changeset_id: int) -> pl.DataFrame:
    """The units the plans name that their employer lacks; returns employer_id, unit_code, unit_id."""
    employers = [e for _, e in todo]
    have = set(WorkUnit.objects.filter(employer__in=employers).values_list("employer_id", "code"))
    new = [
        WorkUnit(employer=e, code=u.code, name=u.name, kind=u.kind)
        for plan, e in todo
        for u in plan.units
        if (e.pk, u.code) not in have
    ]
    WorkUnit.objects.bulk_create(new, batch_size=2000)
    rows = list(WorkUnit.objects.filter(employer__in=employers).values_list("employer_id", "code", "id"))
    ids = {(emp, code): pk for emp, code, pk in rows}
    Change.objects.bulk_create(
        [
            Change(
                changeset_id=changeset_id,
                model="registry.workunit",
                object_id=str(ids[u.employer_id, u.code]),
                action="create",
                before=None,
                after={"employer": u.employer.region_id, "code": u.code, "name": u.name, "kind": u.kind},
            )
            for u in new
        ],
        batch_size=2000,
    )
    return pl.DataFrame(
        rows, schema={"employer_id": pl.Int64, "unit_code": pl.String, "unit_id": pl.Int64}, orient="row"
    )


def _write_workers(
    todo: list[tuple[EmployerPlan, Employer]], roster: pl.DataFrame, units: pl.DataFrame, changeset_id: int
) -> None:
    roster = roster.join(units, on=["employer_id", "unit_code"], how="left")
    if roster.get_column("unit_id").null_count():
        raise RuntimeError("unit demo tanpa id")  # a bug: every unit of a plan was created above
    workers = insert_workers(roster.with_columns(pl.lit(None, pl.Date).alias("end_date")), changeset_id)
    insert_employments(workers, changeset_id)


def write_scene(scene: Scene, actor: str) -> DemoResult:
    """Write what the database lacks, in one transaction and one ChangeSet; nothing when all is there."""
    with transaction.atomic():
        todo: list[tuple[EmployerPlan, Employer]] = []
        for plan in scene.employers:
            employer = add_employer(plan.region.code, None, actor).employer
            if not Employment.objects.filter(employer=employer).exists():
                todo.append((plan, employer))
        branch_todo: list[tuple[BranchPlan, list[str]]] = []
        for branch in scene.branches:
            office = BranchOffice.objects.filter(code=branch.code).first()
            have = set(office.territory.values_list("code", flat=True)) if office else set()
            missing = [c for c in branch.territory if c not in have]
            if office is None or missing:
                branch_todo.append((branch, missing))

        changeset_id = None
        dropped = 0
        if todo or branch_todo:
            roster = (
                pl.concat([p.workers.with_columns(pl.lit(e.pk, pl.Int64).alias("employer_id")) for p, e in todo])
                if todo
                else pl.DataFrame()
            )
            if roster.height:
                taken = _existing_niks(roster.get_column("nik").to_list())
                dropped = len(taken)
                roster = roster.filter(~pl.col("nik").is_in(list(taken)))
            changeset_id = open_changeset(
                actor,
                "demo",
                {
                    "seed": SEED,
                    "employers": [e.region_id for _, e in todo],
                    "workers": roster.height,
                    "branches": [b.code for b, _ in branch_todo],
                },
            ).pk
            if todo:
                _write_workers(todo, roster, _create_units(todo, changeset_id), changeset_id)
                notify("demo", [e.pk for _, e in todo])
            for branch, missing in branch_todo:
                office, new = BranchOffice.objects.get_or_create(code=branch.code, defaults={"name": branch.name})
                office.territory.add(*Region.objects.filter(code__in=missing))
                Change.objects.create(
                    changeset_id=changeset_id,
                    model="registry.branchoffice",
                    object_id=str(office.pk),
                    action="create" if new else "update",
                    before=None,
                    after={"code": branch.code, "territory_added": missing},
                )

        created = {e.pk for _, e in todo}
        employers = list(Employer.objects.filter(region_id__in=[p.region.code for p in scene.employers]))
        unit_counts = dict(
            WorkUnit.objects.filter(employer__in=employers).values_list("employer_id").annotate(n=Count("id"))
        )
        worker_counts = dict(
            Employment.objects.filter(employer__in=employers)
            .values_list("employer_id")
            .annotate(n=Count("worker_id", distinct=True))
        )
        by_region = {e.region_id: e for e in employers}
        outcomes = tuple(
            EmployerOutcome(e.region_id, e.name, unit_counts.get(e.pk, 0), worker_counts.get(e.pk, 0), e.pk in created)
            for e in (by_region[p.region.code] for p in scene.employers)
        )
        branches = tuple(
            BranchOutcome(
                b.code,
                b.name,
                BranchOffice.objects.get(code=b.code).territory.count(),
                any(t.code == b.code for t, _ in branch_todo),
            )
            for b in scene.branches
        )
    return DemoResult(outcomes, branches, changeset_id, dropped)


def run_demo(actor: str, seed: int = SEED) -> DemoResult:
    return write_scene(plan_demo(seed), actor)
