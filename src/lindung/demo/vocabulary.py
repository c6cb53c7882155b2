"""The demo's vocabulary: regional name lists, job tables per kind of unit, OPD lists and regional styles.

Only invented people are made from these lists (see `lindung.demo.scenario`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

SEED = 2021
AGE_DAY = dt.date(2025, 1, 1)  # every worker is 18-60 years old on this day
FIRST_START = dt.date(2015, 1, 1)
LAST_START = dt.date(2024, 12, 31)
ADULT_DAYS = 6580  # 18 years and a few days: nobody starts work before 18

T = TypeVar("T")


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


# -- who the workers are ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePool:
    """Given names and the second names (or family/suku names) people of a region carry."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    male_last: tuple[str, ...]
    female_last: tuple[str, ...]
    single: float = 0.25  # share of one-word names
    male_prefix: tuple[tuple[str, float], ...] = ()
    female_prefix: tuple[tuple[str, float], ...] = ()


MINANG = NamePool(
    _names(
        "Afrizal, Yulizar, Zulkifli, Syafrizal, Rahmat, Fadli, Hendri, Erizal, Arman, Dedi, Yusrizal, "
        "Nofrizal, Irwan, Zulhendri, Rizki, Fauzan, Firdaus, Andri, Yudi, Jufri, Ilham, Wendi, Ferdinal, "
        "Alfian, Defri, Refki, Masrizal, Edi, Ronal, Hafiz, Aidil, Fikri, Zulfahmi, Syahrul, Asrul"
    ),
    _names(
        "Yusnidar, Rosmaniar, Nurhayati, Desi, Yulia, Fitri, Rahmi, Nofrita, Elvi, Yeni, Mardiah, Suci, "
        "Rina, Yessi, Zuraida, Vivi, Delfi, Eka, Hasnah, Ratna, Lismawati, Mega, Rezi, Fitria, Nelly, "
        "Yulinda, Meri, Hartati, Nurmalis, Silvia, Wirda"
    ),
    _names(
        "Putra, Saputra, Syahputra, Hidayat, Effendi, Chaniago, Tanjung, Piliang, Koto, Sikumbang, Jambak, "
        "Guci, Kurniawan, Wahyudi, Hamdani, Zainal, Rasyid, Syafri, Mulyadi, Anwar"
    ),
    _names(
        "Yanti, Wati, Sari, Rahmawati, Handayani, Susanti, Novita, Fitriani, Yusra, Maisarah, Oktavia, "
        "Yuliani, Desmawati, Marlina, Elfira, Chaniago, Tanjung, Piliang, Koto"
    ),
    single=0.2,
)
BUGIS_TOLAKI = NamePool(
    _names(
        "Muhammad, Abdul Rahman, Syamsul, Baharuddin, Hasanuddin, Amiruddin, Rusdin, Hasrul, Asrul, Sahrul, "
        "Jufri, Irfan, Ridwan, Rahmat, Suardin, Hasbullah, Aswan, Samsuddin, Arifin, Sudirman, "
        "Burhanuddin, Kasman, Marwan, Erwin, Ismail, Herman, Syahrir, Taufik, Hamka, Akbar"
    ),
    _names(
        "Hasmawati, Nurhaeni, Rosmiati, Hasnawati, Sumarni, Nurlina, Asnawati, Irmawati, Haslinda, "
        "Rismawati, Fitriani, Nurjannah, Hadijah, Marwah, Asriani, Darmawati, Jumriani, Satriani, Wahida, "
        "Hartina, Risna, Nurmiati, Hasmiah, Megawati"
    ),
    _names(
        "Tamburaka, Konggoasa, Dangga, Abunawas, Rahman, Hamzah, Syam, Amir, Hasan, Saleh, Latif, Ramli, "
        "Arsyad, Mallarangeng, Said, Ibrahim, Basri, Nur, Sahid, Yusuf"
    ),
    _names("Rahman, Hamzah, Amir, Hasan, Saleh, Said, Sari, Ningsih, Basri, Nur, Tamburaka, Konggoasa"),
    single=0.3,
    male_prefix=(("Andi", 0.06), ("Muh.", 0.08)),
    female_prefix=(("Sitti", 0.1), ("Andi", 0.04)),
)
BUTON_MUNA = NamePool(
    _names(
        "Hadi, Ane, Mani, Sarifu, Ndoke, Jumu, Bakri, Rusdin, Saleh, Hamiru, Salimu, Kadiri, Safiudin, "
        "Muhuni, Rauf, Ali, Sabaruddin, Husein"
    ),
    _names("Saria, Hasnia, Nuru, Ina, Ati, Rasia, Sitti, Hasniati, Nurlia, Hamsia, Samia, Jumia, Rosnia, Marlia"),
    _names("Rahman, Hamiru, Saleh, Ali, Sabaruddin, Muhammad, Husein, Sarifu"),
    _names("Hasanah, Rahman, Saleh, Ali"),
    single=0.6,
    male_prefix=(("La Ode", 0.15), ("La", 0.65)),
    female_prefix=(("Wa Ode", 0.12), ("Wa", 0.6)),
)
JAWA = NamePool(
    _names(
        "Sugeng, Slamet, Sutrisno, Budi, Agus, Bambang, Joko, Wahyu, Eko, Dwi, Tri, Teguh, Supriyadi, "
        "Suparman, Waluyo, Heru, Purwanto, Rohmat, Arif, Gunawan, Sigit, Hadi, Didik, Bayu, Rizal, Yoga, "
        "Fajar, Aris, Imam, Kuswanto, Mujiono, Sunarto, Tarno, Wartono, Darsono"
    ),
    _names(
        "Sri, Siti, Endang, Sulastri, Suwarni, Rini, Yuni, Ani, Umi, Wulan, Puji, Ratna, Kartini, Dewi, "
        "Indah, Retno, Tri, Dwi, Lina, Eni, Tutik, Nining, Ari, Sumiati, Suprihatin, Turiyah, Warsini"
    ),
    _names(
        "Santoso, Prasetyo, Wibowo, Saputro, Hartono, Purnomo, Susanto, Nugroho, Setiawan, Kurniawan, "
        "Widodo, Suryadi, Riyanto, Raharjo, Wijaya, Hidayat, Prabowo, Utomo, Sutanto, Haryanto"
    ),
    _names(
        "Lestari, Rahayu, Wahyuni, Handayani, Astuti, Utami, Susilowati, Mulyani, Purwaningsih, Rahmawati, "
        "Setyaningsih, Wulandari, Kurniasih, Hastuti, Ningsih, Pratiwi"
    ),
    single=0.35,
)
PALEMBANG = NamePool(
    _names(
        "Ahmad, Rudi, Hendra, Darmawan, Iskandar, Herman, Syahrial, Zainal, Mursalin, Alamsyah, Firmansyah, "
        "Hasan, Yopi, Dedi, Ferry, Novri, Yudi, Irwansyah, Heri, Anton, Deni, Reza, Ricky, Syaiful, "
        "Zulkarnain, Sukri, Effendi, Romi, Juliansyah, Andika, Ilham"
    ),
    _names(
        "Rosmala, Nurhasanah, Yuliana, Rita, Lela, Dewi, Herlina, Ernawati, Siska, Novi, Maya, Rina, Yanti, "
        "Mardiana, Rosita, Fitri, Ayu, Dian, Nurlela, Indah, Yusnani, Kartina, Nurbaiti"
    ),
    _names(
        "Saputra, Syahputra, Ramadhan, Hidayat, Pratama, Alamsyah, Firdaus, Kurniawan, Gunawan, Hakim, "
        "Rozali, Abdullah, Hamid, Yusuf, Syarifuddin, Zulkifli, Anwar, Fauzi, Akbar, Sanjaya"
    ),
    _names(
        "Sari, Yanti, Wati, Oktaviani, Puspita, Agustina, Apriani, Lestari, Anggraini, Safitri, Novianti, "
        "Susanti, Rahmadani, Febriani, Yulianti"
    ),
    single=0.2,
    male_prefix=(("Kms.", 0.04), ("Kgs.", 0.03), ("Mgs.", 0.02), ("M.", 0.08)),
    female_prefix=(("Nyimas", 0.03), ("Nyayu", 0.02), ("Siti", 0.06)),
)
BALI = NamePool(
    _names("I Made, I Wayan, I Nyoman, I Ketut, I Putu, I Komang, I Gede, I Kadek"),
    _names("Ni Made, Ni Wayan, Ni Luh, Ni Komang, Ni Ketut, Ni Putu, Ni Kadek"),
    _names("Sudarsana, Suardana, Astawa, Artana, Wirawan, Sudiarta, Mertayasa, Suparta, Sukadana, Arsana, Widiana"),
    _names("Ariani, Sukerti, Suartini, Sudiasih, Widiastuti, Kartika, Sriasih, Yuliantini, Darmayanti, Suarni"),
    single=0.0,
)


@dataclass(frozen=True)
class Job:
    title: str
    weight: float  # how common in its unit; for a unit with fixed posts, how many
    female: float  # share of women
    level: float  # where the wage sits in the place's range: 0 lowest, 1 highest
    degrees: tuple[str, ...] = ()  # academic titles some holders write after their name
    category: str | None = None  # a fixed category; None: the place's mix
    wage: int | None = None  # a fixed monthly amount (siltap perangkat nagari)
    min_age: int = 18


UMUM = (
    Job("Cleaning Service", 3, 0.5, 0.05),
    Job("Penjaga Malam", 1.5, 0.02, 0.15),
    Job("Sopir", 1.5, 0.0, 0.35),
    Job("Operator Komputer", 2, 0.55, 0.55, ("S.Kom.", "A.Md.Kom.")),
    Job("Tenaga Administrasi", 2.5, 0.6, 0.45, ("S.E.", "S.Sos.", "A.Md.")),
    Job("Pramu Kantor", 1, 0.4, 0.1),
)
SETDA = (*UMUM, Job("Sopir Pimpinan", 1, 0.0, 0.45), Job("Petugas Protokol", 0.6, 0.5, 0.5, ("S.Sos.",)))
PENDIDIKAN = (*UMUM, Job("Operator Dapodik", 1.5, 0.5, 0.5, ("S.Kom.", "S.Pd.")), Job("Penjaga Sekolah", 2, 0.1, 0.1))
SEKOLAH = (
    Job("Guru Honorer", 5, 0.7, 0.5, ("S.Pd.",), "honorer"),
    Job("Tenaga Administrasi Sekolah", 2, 0.6, 0.35),
    Job("Operator Dapodik", 1, 0.5, 0.45, ("S.Kom.",)),
    Job("Penjaga Sekolah", 1.5, 0.1, 0.1),
    Job("Cleaning Service", 1, 0.5, 0.05),
)
NAKES = ("S.Kep., Ns.", "A.Md.Kep.", "S.K.M.")
KESEHATAN = (*UMUM, Job("Tenaga Kesehatan", 2, 0.7, 0.65, NAKES), Job("Sopir Ambulans", 0.5, 0.0, 0.35))
PUSKESMAS = (
    Job("Perawat", 3, 0.75, 0.65, ("S.Kep., Ns.", "A.Md.Kep.")),
    Job("Bidan", 3, 1.0, 0.65, ("A.Md.Keb.",)),
    Job("Petugas Rekam Medis", 1, 0.6, 0.5, ("A.Md.",)),
    Job("Cleaning Service", 2, 0.5, 0.05),
    Job("Sopir Ambulans", 1, 0.0, 0.35),
    Job("Penjaga Malam", 1, 0.02, 0.15),
)
RSUD = (
    Job("Perawat", 5, 0.75, 0.65, ("S.Kep., Ns.", "A.Md.Kep.")),
    Job("Bidan", 2, 1.0, 0.65, ("A.Md.Keb.",)),
    Job("Tenaga Kesehatan", 1.5, 0.6, 0.65, ("A.Md.Farm.", "A.Md.A.K.")),
    Job("Petugas Rekam Medis", 1, 0.6, 0.5, ("A.Md.",)),
    Job("Cleaning Service", 3, 0.5, 0.05),
    Job("Petugas Laundry", 1, 0.6, 0.05),
    Job("Juru Masak", 1, 0.8, 0.1),
    Job("Satpam", 1.5, 0.02, 0.2),
    Job("Sopir Ambulans", 1, 0.0, 0.35),
    Job("Tenaga Administrasi", 1.5, 0.6, 0.45, ("S.E.", "A.Md.")),
)
DLH = (
    Job("Tenaga Kebersihan", 8, 0.3, 0.0),
    Job("Sopir Truk Sampah", 2, 0.0, 0.3),
    Job("Petugas Taman", 2, 0.2, 0.05),
    Job("Operator Komputer", 0.5, 0.55, 0.55, ("S.Kom.",)),
    Job("Tenaga Administrasi", 0.5, 0.6, 0.45),
    Job("Penjaga Malam", 0.5, 0.02, 0.15),
)
SATPOL = (
    Job("Anggota Satpol PP", 5, 0.1, 0.3),
    Job("Petugas Pemadam Kebakaran", 3, 0.0, 0.35),
    Job("Sopir", 1, 0.0, 0.35),
    Job("Operator Komputer", 0.5, 0.55, 0.55, ("S.Kom.",)),
    Job("Penjaga Malam", 0.5, 0.02, 0.15),
)
PU = (
    *UMUM,
    Job("Tenaga Teknis", 2, 0.2, 0.7, ("S.T.", "A.Md.T.")),
    Job("Operator Alat Berat", 1, 0.0, 0.5),
    Job("Pekerja Pemeliharaan Jalan", 2, 0.0, 0.1),
)
DISHUB = (
    *UMUM,
    Job("Petugas Parkir", 3, 0.1, 0.0),
    Job("Petugas Terminal", 1.5, 0.1, 0.2),
    Job("Petugas Pengatur Lalu Lintas", 1, 0.05, 0.2),
)
PERTANIAN = (*UMUM, Job("Penyuluh Pertanian (THL-TBPP)", 4, 0.35, 0.6, ("S.P.", "A.Md."), "thl"))
BPBD = (*UMUM, Job("Anggota TRC", 3, 0.1, 0.35))
KECAMATAN = (
    Job("Cleaning Service", 2, 0.5, 0.05),
    Job("Penjaga Malam", 1.5, 0.02, 0.15),
    Job("Sopir", 1, 0.0, 0.35),
    Job("Operator Komputer", 2, 0.55, 0.55, ("S.Kom.",)),
    Job("Tenaga Administrasi", 2, 0.6, 0.45, ("S.E.", "S.Sos.")),
)

# Siltap perangkat desa/nagari, PP 11/2019: 120 %, 110 % and 100 % of gaji pokok PNS II/a (Rp2.022.200).
SILTAP_WALI, SILTAP_SEKRETARIS, SILTAP_PERANGKAT = 2_426_640, 2_224_420, 2_022_200


def _perangkat(title: str, count: int, wage: int, female: float = 0.25, min_age: int = 20) -> Job:
    return Job(title, count, female, 0.5, (), "perangkat_desa", wage, min_age)


def perangkat_nagari(jorong: int) -> tuple[Job, ...]:
    """The posts of one nagari (Permendagri 84/2015): wali, sekretaris, three kaur, three kasi, the jorong."""
    return (
        _perangkat("Wali Nagari", 1, SILTAP_WALI, 0.05, 30),
        _perangkat("Sekretaris Nagari", 1, SILTAP_SEKRETARIS, 0.3),
        _perangkat("Kaur Tata Usaha dan Umum", 1, SILTAP_PERANGKAT, 0.5),
        _perangkat("Kaur Keuangan", 1, SILTAP_PERANGKAT, 0.6),
        _perangkat("Kaur Perencanaan", 1, SILTAP_PERANGKAT, 0.4),
        _perangkat("Kasi Pemerintahan", 1, SILTAP_PERANGKAT),
        _perangkat("Kasi Kesejahteraan", 1, SILTAP_PERANGKAT),
        _perangkat("Kasi Pelayanan", 1, SILTAP_PERANGKAT, 0.4),
        _perangkat("Kepala Jorong", jorong, SILTAP_PERANGKAT, 0.05, 25),
    )


# -- where they work -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    kind: str
    weight: float = 1.0
    jobs: tuple[Job, ...] = UMUM
    home: str | None = None  # the kecamatan most of its people live in (kecamatan office, puskesmas)
    desa: str | None = None  # a nagari: its desa region; its posts are fixed (Job.weight of each)

    @property
    def fixed(self) -> bool:
        return self.desa is not None


def _opd(code: str, name: str, kind: str, weight: float, jobs: tuple[Job, ...] = UMUM) -> UnitPlan:
    return UnitPlan(code, name, kind, weight, jobs)


# A kabupaten/kota's OPD, most staffed first; a small Pemda gets the head of the list.
KABKOTA_OPD = (
    _opd("SETDA", "Sekretariat Daerah", "sekretariat", 3, SETDA),
    _opd("SETWAN", "Sekretariat DPRD", "sekretariat", 1.5, SETDA),
    _opd("DISDIK", "Dinas Pendidikan dan Kebudayaan", "dinas", 3, PENDIDIKAN),
    _opd("DINKES", "Dinas Kesehatan", "dinas", 2, KESEHATAN),
    _opd("DLH", "Dinas Lingkungan Hidup", "dinas", 3.5, DLH),
    _opd("SATPOLPP", "Satpol PP dan Damkar", "dinas", 3, SATPOL),
    _opd("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "dinas", 2, PU),
    _opd("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "badan", 1),
    _opd("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "badan", 1),
    _opd("INSPEKTORAT", "Inspektorat", "sekretariat", 0.8),
    _opd("DISHUB", "Dinas Perhubungan", "dinas", 2, DISHUB),
    _opd("DINSOS", "Dinas Sosial", "dinas", 1),
    _opd("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "dinas", 1.2),
    _opd("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan", 0.8),
    _opd("DISTAN", "Dinas Pertanian", "dinas", 1.5, PERTANIAN),
    _opd("BPBD", "Badan Penanggulangan Bencana Daerah", "badan", 1.2, BPBD),
    _opd("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas", 0.8),
    _opd("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "dinas", 0.8),
    _opd("BAPENDA", "Badan Pendapatan Daerah", "badan", 1),
    _opd("DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman", "dinas", 0.8, PU),
    _opd("DP2KBP3A", "Dinas Pengendalian Penduduk, KB, Pemberdayaan Perempuan dan Perlindungan Anak", "dinas", 0.8),
    _opd("DISKOPERDAG", "Dinas Koperasi, UKM dan Perdagangan", "dinas", 0.8),
    _opd("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dinas", 0.7),
    _opd("DISPARPORA", "Dinas Pariwisata, Pemuda dan Olahraga", "dinas", 0.8),
    _opd("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", "dinas", 0.6),
    _opd("DISKAN", "Dinas Perikanan", "dinas", 0.8),
    _opd("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi", "dinas", 0.6),
    _opd("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "badan", 0.5),
    _opd("DKP", "Dinas Ketahanan Pangan", "dinas", 0.6),
)

PROVINSI_OPD = (
    _opd("SETDA", "Sekretariat Daerah", "sekretariat", 5, SETDA),
    _opd("SETWAN", "Sekretariat DPRD", "sekretariat", 2, SETDA),
    _opd("INSPEKTORAT", "Inspektorat Daerah", "sekretariat", 0.6),
    _opd("DIKBUD", "Dinas Pendidikan dan Kebudayaan", "dinas", 2.5, PENDIDIKAN),
    _opd("DINKES", "Dinas Kesehatan", "dinas", 1.5, KESEHATAN),
    _opd("RSUD-BAHTERAMAS", "RSUD Bahteramas", "rsud", 4, RSUD),
    _opd("RSJ", "Rumah Sakit Jiwa", "rsud", 1.5, RSUD),
    _opd("DSDABM", "Dinas Sumber Daya Air dan Bina Marga", "dinas", 2, PU),
    _opd("DISHUT", "Dinas Kehutanan", "dinas", 1.5),
    _opd("DKP", "Dinas Kelautan dan Perikanan", "dinas", 1),
    _opd("DESDM", "Dinas Energi dan Sumber Daya Mineral", "dinas", 0.8),
    _opd("DISHUB", "Dinas Perhubungan", "dinas", 1.5, DISHUB),
    _opd("SATPOLPP", "Satuan Polisi Pamong Praja", "dinas", 2, SATPOL[:1] + SATPOL[2:]),
    _opd("BKD", "Badan Kepegawaian Daerah", "badan", 1),
    _opd("BAPENDA", "Badan Pendapatan Daerah", "badan", 1.5),
    _opd("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "badan", 1),
    _opd("BPBD", "Badan Penanggulangan Bencana Daerah", "badan", 1, BPBD),
    _opd("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "badan", 0.8),
    _opd("DINSOS", "Dinas Sosial", "dinas", 1),
    _opd("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi", "dinas", 0.8),
    _opd("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas", 0.8),
    _opd("DISPAR", "Dinas Pariwisata", "dinas", 0.6),
    _opd("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", "dinas", 0.6),
    _opd("SMAN1-KDI", "SMA Negeri 1 Kendari", "sekolah", 1.2, SEKOLAH),
    _opd("SMAN4-KDI", "SMA Negeri 4 Kendari", "sekolah", 1, SEKOLAH),
    _opd("SMKN1-KDI", "SMK Negeri 1 Kendari", "sekolah", 1, SEKOLAH),
    _opd("SMAN1-UNH", "SMA Negeri 1 Unaaha", "sekolah", 0.8, SEKOLAH),
)


@dataclass(frozen=True)
class Style:
    """How a place's rosters look: who the people are, their status kepegawaian, the wage range."""

    names: tuple[tuple[NamePool, float], ...]
    categories: tuple[tuple[str, float], ...]
    wage_min: int
    wage_max: int
    sk_office: str = "BKPSDM"  # who signs the SK of OPD staff


# Wage ranges: from honoraria near Rp1,5 juta up to about the UMK of 2024.
SUMBAR = Style(((MINANG, 0.9), (JAWA, 0.1)), (("kontrak", 0.8), ("thl", 0.2)), 1_500_000, 2_800_000)
SULTRA = Style(
    ((BUGIS_TOLAKI, 0.6), (BUTON_MUNA, 0.25), (JAWA, 0.15)), (("honorer", 0.85), ("thl", 0.15)), 1_500_000, 3_000_000
)
BUTON = Style(((BUTON_MUNA, 0.75), (BUGIS_TOLAKI, 0.2), (JAWA, 0.05)), SULTRA.categories, 1_500_000, 2_900_000)
OKU_TIMUR = Style(
    ((JAWA, 0.5), (PALEMBANG, 0.35), (BALI, 0.15)),
    (("honorer", 0.6), ("kontrak", 0.25), ("thl", 0.15)),
    1_500_000,
    3_200_000,
)
SUMSEL = Style(
    ((PALEMBANG, 0.8), (JAWA, 0.2)), (("honorer", 0.5), ("kontrak", 0.3), ("thl", 0.2)), 1_800_000, 3_500_000
)
JATENG = Style(((JAWA, 0.98), (PALEMBANG, 0.02)), (("thl", 0.6), ("ptt", 0.4)), 1_500_000, 2_100_000)

PHONE_PREFIXES = _names(
    "0811, 0812, 0813, 0821, 0822, 0823, 0852, 0853, 0814, 0815, 0816, 0855, 0856, 0857, "
    "0858, 0817, 0818, 0819, 0859, 0877, 0878, 0895, 0896, 0897, 0898, 0899, 0881, 0882"
)
