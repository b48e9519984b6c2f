"""Fictional demo case work for the two demo centers (`yorisoi loaddemo`, order 20).

About 150 persons with their households, ~2,000 contacts over three fiscal years, status and
phase histories, plans in the person's (or the family's) own words, a few risk flags, and a few
cases that are overdue or have gone quiet. Every name, number and story is invented.

The data is seeded (the same every run) and laid out relative to today, so the overdue and quiet
lists look right whenever the demo is loaded. A second run finds the demo centers already holding
cases and changes nothing. No audit events are written: this is not anyone's work.

The vocabulary and helpers here are shared with `yorisoi generate` (the scale generator).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db import models
from django.utils import timezone

from yorisoi.accounts.demo import DEMO_CENTERS
from yorisoi.accounts.models import Center, User
from yorisoi.core.japanese import fiscal_year
from yorisoi.people.models import (
    Household,
    HouseholdMember,
    Person,
    Relationship,
    Sex,
    age_on,
    band_for_age,
)

from .models import (
    Case,
    CaseChange,
    ClosureReason,
    Consulter,
    Contact,
    HeardVia,
    Method,
    Phase,
    PlanVersion,
    Status,
)

DEMO_SEED = 8050

# --- shared vocabulary (also used by the scale generator) -------------------------------------

# Common surnames with their readings. The demo staff's surnames (佐藤, 鈴木, 高橋, 田中, 伊藤,
# 渡辺, 山本, 中村) are left out so a person is never mistaken for a worker.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山田", "やまだ"),
    ("佐々木", "ささき"),
    ("山口", "やまぐち"),
    ("松本", "まつもと"),
    ("井上", "いのうえ"),
    ("木村", "きむら"),
    ("林", "はやし"),
    ("斎藤", "さいとう"),
    ("清水", "しみず"),
    ("山崎", "やまざき"),
    ("森", "もり"),
    ("池田", "いけだ"),
    ("橋本", "はしもと"),
    ("阿部", "あべ"),
    ("石川", "いしかわ"),
    ("山下", "やました"),
    ("中島", "なかじま"),
    ("石井", "いしい"),
    ("小川", "おがわ"),
    ("前田", "まえだ"),
    ("岡田", "おかだ"),
    ("長谷川", "はせがわ"),
    ("藤田", "ふじた"),
    ("後藤", "ごとう"),
    ("近藤", "こんどう"),
    ("村上", "むらかみ"),
    ("遠藤", "えんどう"),
    ("青木", "あおき"),
    ("坂本", "さかもと"),
    ("福田", "ふくだ"),
    ("太田", "おおた"),
    ("西村", "にしむら"),
    ("藤井", "ふじい"),
    ("岡本", "おかもと"),
    ("松田", "まつだ"),
    ("中川", "なかがわ"),
    ("原田", "はらだ"),
)

# Given names by sex and by the generation they are common in.
GIVEN_NAMES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("male", "young"): (
        ("翔太", "しょうた"),
        ("悠斗", "ゆうと"),
        ("蓮", "れん"),
        ("陽太", "ようた"),
        ("大翔", "ひろと"),
        ("湊", "みなと"),
        ("颯太", "そうた"),
        ("優斗", "ゆうと"),
    ),
    ("male", "middle"): (
        ("大輔", "だいすけ"),
        ("健太", "けんた"),
        ("拓也", "たくや"),
        ("直樹", "なおき"),
        ("和也", "かずや"),
        ("亮", "りょう"),
        ("達也", "たつや"),
        ("雄一", "ゆういち"),
        ("大樹", "だいき"),
        ("翔", "しょう"),
    ),
    ("male", "older"): (
        ("隆", "たかし"),
        ("誠", "まこと"),
        ("浩二", "こうじ"),
        ("修", "おさむ"),
        ("聡", "さとし"),
        ("剛", "つよし"),
        ("博之", "ひろゆき"),
        ("茂樹", "しげき"),
    ),
    ("female", "young"): (
        ("陽菜", "ひな"),
        ("結衣", "ゆい"),
        ("美咲", "みさき"),
        ("葵", "あおい"),
        ("凛", "りん"),
        ("彩花", "あやか"),
    ),
    ("female", "middle"): (
        ("彩", "あや"),
        ("麻衣", "まい"),
        ("香織", "かおり"),
        ("沙織", "さおり"),
        ("愛", "あい"),
        ("千尋", "ちひろ"),
    ),
    ("female", "older"): (
        ("由美", "ゆみ"),
        ("恵", "めぐみ"),
        ("明美", "あけみ"),
        ("智子", "ともこ"),
        ("真由美", "まゆみ"),
        ("裕子", "ゆうこ"),
    ),
}

# Parents' given names (members are recorded by given name, as families introduce themselves).
PARENT_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("mother", "mid"): ("由美子", "恵子", "直美", "久美子", "裕美", "典子", "さおり", "美香"),
    ("mother", "old"): ("和子", "洋子", "節子", "幸子", "京子", "順子", "悦子", "澄子"),
    ("father", "mid"): ("浩", "誠", "隆", "修", "聡", "博之", "哲也", "勉"),
    ("father", "old"): ("茂", "清", "勝", "正男", "弘", "昭", "進", "實"),
}

NICKNAMES = ("Kさん", "ゆう", "ハル", "そら", "たっくん", "みー", "くま", "あお", "Tさん", "りん")

AGENCIES = (
    "地域包括支援センター",
    "保健センター",
    "ハローワーク",
    "仕事・暮らし自立サポートセンター",
    "若者サポートステーション",
    "精神科クリニック",
    "社会福祉協議会",
    "民生委員",
    "高校（担任）",
)

TOWNS = ("ひかり町", "みどり台", "さくら町", "あおば台", "つばき町", "かえで台")

# How contacts after the intake are made: phone most, then visits and outreach, then the rest.
METHOD_WEIGHTS: tuple[tuple[str, int], ...] = (
    (Method.PHONE, 38),
    (Method.HOME_VISIT, 16),
    (Method.VISIT, 14),
    (Method.LINE, 11),
    (Method.EMAIL, 5),
    (Method.ONLINE, 5),
    (Method.ACCOMPANY, 4),
    (Method.INTER_AGENCY, 4),
    (Method.METAVERSE, 3),
)
# Before the person has been met, the family is who the center talks with.
METHOD_WEIGHTS_UNMET: tuple[tuple[str, int], ...] = (
    (Method.PHONE, 52),
    (Method.HOME_VISIT, 24),
    (Method.VISIT, 12),
    (Method.EMAIL, 6),
    (Method.INTER_AGENCY, 4),
    (Method.ONLINE, 2),
)
HEARD_VIA_WEIGHTS: tuple[tuple[str, int], ...] = (
    (HeardVia.CITY_BULLETIN, 20),
    (HeardVia.PORTAL, 15),
    (HeardVia.AGENCY, 15),
    (HeardVia.FAMILY_FRIEND, 12),
    (HeardVia.INTERNET, 12),
    (HeardVia.SCHOOL, 6),
    (HeardVia.CONVENIENCE_STORE, 6),
    (HeardVia.LINE, 5),
    (HeardVia.METAVERSE, 4),
    (HeardVia.OTHER, 3),
    (HeardVia.UNKNOWN, 2),
)
DURATION_RANGE: dict[str, tuple[int, int] | None] = {
    Method.PHONE: (10, 50),
    Method.VISIT: (30, 90),
    Method.HOME_VISIT: (30, 120),
    Method.LINE: (5, 40),
    Method.EMAIL: None,
    Method.ONLINE: (30, 60),
    Method.METAVERSE: (30, 90),
    Method.ACCOMPANY: (60, 180),
    Method.INTER_AGENCY: (15, 60),
}
CLOSURE_WEIGHTS: tuple[tuple[str, int], ...] = (
    (ClosureReason.GOAL_REACHED, 40),
    (ClosureReason.HANDED_OVER, 20),
    (ClosureReason.NO_CONTACT, 14),
    (ClosureReason.DECLINED, 12),
    (ClosureReason.MOVED, 10),
    (ClosureReason.OTHER, 4),
)
CLOSURE_NOTES: dict[str, tuple[str, ...]] = {
    ClosureReason.GOAL_REACHED: (
        "就労継続支援事業所への通所が半年続き、本人と相談して終結。困ったときはいつでも連絡してよいと伝えた。",
        "アルバイトを始めて生活が安定。本人の希望で終結。",
        "専門学校への入学が決まり、本人・母と話し合って終結。",
    ),
    ClosureReason.HANDED_OVER: (
        "就労支援機関へ引継ぎ（本人同意あり）。",
        "医療機関と地域包括支援センターへ引継ぎ（本人・家族の同意あり）。",
    ),
    ClosureReason.NO_CONTACT: (
        "半年間、手紙と電話で連絡を試みたが応答なし。家族へは再開できることを伝えた。",
    ),
    ClosureReason.DECLINED: (
        "母より、しばらく家族だけで見守りたいとの申し出。いつでも再開できると伝えた。",
    ),
    ClosureReason.MOVED: ("市外へ転居。転居先の相談窓口を案内した。",),
    ClosureReason.OTHER: ("家族の事情により一時終了。",),
}

# Short subjects shown in lists; {rel} is the consulting family member (母, 父, 姉…).
SUMMARIES: dict[str, tuple[str, ...]] = {
    Method.PHONE: ("{rel}より電話（近況）", "{rel}へ電話", "本人と電話"),
    Method.VISIT: ("{rel}来所", "本人来所", "本人来所（居場所の見学）"),
    Method.HOME_VISIT: ("自宅訪問", "自宅訪問（2名）", "自宅訪問（手紙を届ける）"),
    Method.LINE: ("LINEでのやりとり",),
    Method.EMAIL: ("{rel}よりメール", "本人よりメール"),
    Method.ONLINE: ("オンライン面談",),
    Method.METAVERSE: ("メタバース居場所",),
    Method.ACCOMPANY: ("ハローワークへ同行", "医療機関の受診に同行", "就労準備支援の見学に同行"),
    Method.INTER_AGENCY: ("{agency}と連携",),
}

INTAKE_NOTES: dict[str, tuple[str, ...]] = {
    "family": (
        "{rel}より。本人は{years}年ほど自室で過ごすことが多く、食事は部屋の前に置いている。"
        "本人には知らせずに、まず家族として相談したいとのこと。",
        "{rel}より。高校を中退してから家で過ごしている。昼夜逆転が続き、会話はほとんどない"
        "とのこと。家族の関わり方を一緒に考えていくことを伝えた。",
        "{rel}より。市の広報紙でセンターを知った。本人はゲームをしている時間が長く、家族とは"
        "必要なことだけ話す。焦らずに関わりたいとのこと。",
        "{rel}より。仕事を辞めてから{years}年、ほとんど外出していない。夜中にコンビニへ行く"
        "ことはあるとのこと。",
    ),
    "family_8050": (
        "{rel}より。本人は退職してから{years}年ほど家で過ごしている。両親とも高齢になり、"
        "自分たちがいなくなった後のことが心配とのこと。",
        "{rel}より。父の通院に付き添うのが難しくなってきた。本人とは日常の会話はあるが、"
        "外のことは話したがらないとのこと。",
    ),
    "anonymous": (
        "{rel}より。名前はまだ伏せておきたいとのこと。本人は{years}年ほど家で過ごしている。"
        "まずは{rel}との面談を重ねることにした。",
        "{rel}より匿名での相談。本人の年代のみ伺った。家族としてできることを知りたいとのこと。",
    ),
    "self": (
        "本人より。『誰かと話したいけれど電話は苦手』とのこと。まずはこの方法でやりとりを"
        "続けることにした。",
        "本人より。仕事を辞めてから{years}年、人と話す機会がほとんどない。少しずつ外に"
        "出られるようになりたいとのこと。",
        "本人より。夜になると不安が強くなる。同じような経験をした人の話を聞いてみたいとのこと。",
    ),
    "agency": (
        "{agency}より。ご両親を訪問した際、同居の本人について相談があった。家族の同意を得て"
        "センターへつないだとのこと。",
        "{agency}より。家族から、家で長く過ごしている方がいると聞いたとの連絡。",
    ),
}

FOLLOW_UP_NOTES: dict[str, tuple[str, ...]] = {
    "family": (
        "{rel}より近況。夕方に居間へ出てくる日が増えた。声かけは挨拶だけにしているとのこと。",
        "{rel}へ家族教室の案内をした。次回は参加してみたいとのこと。",
        "{rel}より。本人と少し言い合いになり落ち込んでいる。{rel}自身の休息も大切にするよう"
        "伝えた。",
        "{rel}より。本人が自分で散髪に出かけたとのこと。家族も喜んでいる。",
        "{rel}より。本人が夕食を一緒にとる日があった。急がずに見守りたいとのこと。",
        "{rel}より。本人の部屋から話し声が聞こえ、オンラインで友人と話している様子。",
        "{rel}と面談。{rel}自身の体調がすぐれず、家族会の仲間と話すと楽になるとのこと。",
    ),
    "self": (
        "本人と話す。最近は朝9時ごろに起きられる日がある。次回の日程を一緒に決めた。",
        "本人より。面接のことを考えると眠れない。焦らなくてよいことを伝えた。",
        "本人と話す。近所の公園まで散歩しているとのこと。好きな音楽の話題で笑顔が見られた。",
        "本人より。資格の勉強を始めたとのこと。続けられるペースを一緒に考えた。",
    ),
    "home_visit_unmet": (
        "自宅訪問。ドア越しに挨拶し、手紙を置いて帰る。{rel}によると手紙は読んでいる様子。",
        "自宅訪問。{rel}と居間で面談。本人は自室にいたが、帰り際にドア越しに声をかけた。",
        "自宅訪問。本人の好きなアニメの話題を手紙に書いて渡した。{rel}の表情が少し明るくなった。",
    ),
    Method.HOME_VISIT: (
        "自宅訪問。本人と玄関で数分話せた。好きなゲームの話題で少し笑顔が見られた。",
        "自宅訪問。居間で本人・{rel}と面談。生活リズムについて話し合った。",
        "自宅訪問。本人と近所を10分ほど散歩した。",
    ),
    Method.LINE: (
        "本人とLINEでやりとり。眠れない日が続いているとのこと。生活リズムについて一緒に考えた。",
        "本人よりLINE（深夜）。不安な気持ちを話してくれた。翌日、電話で様子を確認することにした。",
    ),
    Method.ONLINE: (
        "オンライン面談。カメラはオフで音声のみ。次回も同じ形で行う。",
        "オンライン面談。画面越しに本人の描いたイラストを見せてくれた。",
    ),
    Method.METAVERSE: (
        "メタバース居場所で面談。アバターで参加し、他の参加者とも少し会話できた。",
        "メタバース居場所のイベントに本人が参加。最後まで参加できた。",
    ),
    Method.ACCOMPANY: (
        "ハローワークへ同行。窓口で一緒に話を聞いた。緊張していたが最後まで話せた。",
        "医療機関の初診に同行。次回の受診日が決まった。",
        "就労準備支援事業の見学に同行。作業の様子を見て、やってみたいとのこと。",
    ),
    Method.INTER_AGENCY: (
        "{agency}と情報共有（本人・家族の同意あり）。今後の役割分担を確認した。",
        "{agency}とケース会議。ご両親の介護サービスと本人への支援を一緒に考えた。",
    ),
}

FOLLOW_UPS = (
    "2週間後に{rel}へ電話",
    "次回訪問で手紙の返事を確認する",
    "家族教室の日程を案内する",
    "居場所の見学日を調整する",
    "関係機関へ情報共有の同意を確認する",
)

PERSON_GOALS = (
    "昼夜逆転を少しずつ戻したい",
    "母と話す時間を増やしたい",
    "週に1回はコンビニまで出かけたい",
    "好きな絵を描く時間を大切にしたい",
    "同じような経験をした人と話してみたい",
    "いつか短い時間でも働いてみたい",
    "体力をつけるために散歩を続けたい",
    "居場所に月2回通えるようになりたい",
    "自分のペースで資格の勉強を続けたい",
    "夜はスマホを置いて眠れるようにしたい",
    "運転免許を取りたい",
    "家族の役に立つことを一つ見つけたい",
)
FAMILY_GOALS = (
    "本人が安心して過ごせる家にしたい",
    "親として焦らずに見守れるようになりたい",
    "本人と一緒に夕食をとれる日を増やしたい",
    "私たちが元気なうちに、本人の今後を一緒に考えたい",
    "家族だけで抱え込まず、相談できる先を持ちたい",
)
PLANNED_SUPPORTS = (
    "月2回の訪問（支援員）",
    "母への電話相談（月1回）",
    "家族教室への参加",
    "オンライン居場所の紹介",
    "就労準備支援事業の見学に同行",
    "医療機関の受診について一緒に検討",
    "地域包括支援センターと連携（ご両親の介護）",
    "LINEでの定期的なやりとり",
    "居場所プログラムへの参加",
)
RISK_NOTES = {
    "risk_self_harm": "「消えてしまいたい」との発言があったと母より。週1回の電話で様子を確認し、"
    "必要時は医療機関につなぐ。",
    "risk_violence": "本人と父の言い合いが激しくなり、物に当たることがあると母より。家族の安全を"
    "最優先に、緊急時の連絡先を共有済み。",
    "risk_abuse": "高齢の両親への暴言が続いていると地域包括支援センターより。関係機関で見守りを"
    "分担する。",
    "risk_no_medical": "不眠と食欲低下が続いているが、医療機関にかかっていない。受診について本人の"
    "気持ちを聞きながら検討。",
}
CONTACT_PREFERENCES = (
    "電話は避けてほしい。母親経由で連絡。",
    "夜のLINEなら返信できる。",
    "平日の午後に電話。留守電にはメッセージを残さないでほしい。",
    "手紙での連絡を希望。",
)
HOUSEHOLD_NOTES = (
    "父は要支援1。母が家事を担っている。年金で生活。",
    "母がパート勤務。父は単身赴任中。",
    "きょうだいは独立して別居。月に1回帰省する。",
)


@lru_cache(maxsize=64)
def _cumulative(weighted: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    values = [v for v, _w in weighted]
    return values, list(itertools.accumulate(w for _v, w in weighted))


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    """One value of a (value, weight) table."""
    values, cumulative = _cumulative(weighted)
    return rng.choices(values, cum_weights=cumulative)[0]


def generation_of(age: int) -> str:
    if age < 25:
        return "young"
    if age < 45:
        return "middle"
    return "older"


def at(day: date, hour: int, minute: int) -> datetime:
    """An aware datetime in the site's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def contact_time(rng: random.Random, day: date, method: str) -> datetime:
    """Office hours, except LINE, which people often write late at night."""
    if method == Method.LINE and rng.random() < 0.35:
        return at(day, rng.choice((21, 22, 23, 0, 1, 2)), rng.randrange(60))
    return at(day, rng.randint(9, 17), rng.choice((0, 10, 15, 20, 30, 40, 45, 50)))


def duration_for(rng: random.Random, method: str) -> int | None:
    span = DURATION_RANGE.get(method)
    if span is None:
        return None
    return rng.randint(*span) // 5 * 5 or 5


@contextmanager
def own_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the dates set on the rows instead of stamping "now".

    Demo and generated rows were "written" over years; auto_now / auto_now_add would otherwise
    give every row the moment of loading. Only for these loaders, and restored afterwards.
    """
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


# --- the demo -----------------------------------------------------------------------------------

NORTH_WORKERS = ("worker1", "worker1b")
NORTH_MANAGER = "manager1"
SOUTH_WORKERS = ("worker2",)
SOUTH_MANAGER = "manager2"
WARDS = (("北区", "北区", "北区", "東区"), ("南区", "南区", "西区", "中央区"))

# How many persons of each kind, per center (north, south). The three "movers" are counted in
# the north: they had a case in the south first.
PERSONS_PER_CENTER = (90, 60)
MOVERS = 3


class _Demo:
    """Builds the demo rows in memory, then writes them with a handful of bulk inserts."""

    def __init__(self, *, today: date, centers: list[Center], users: dict[str, User]):
        self.rng = random.Random(DEMO_SEED)
        self.today = today
        self.start = date(fiscal_year(today) - 2, 4, 1)
        self.centers = centers
        self.users = users
        self.households: list[Household] = []
        self.members: list[HouseholdMember] = []
        self.persons: list[Person] = []
        self.cases: list[Case] = []
        self.contacts: list[Contact] = []
        self.contact_workers: list[tuple[Contact, User]] = []
        self.secondary: list[tuple[Case, User]] = []
        self.changes: list[CaseChange] = []
        self.plans: list[PlanVersion] = []
        self.phone_seq = 0

    # persons and households

    def _name(self, sex: str, age: int) -> tuple[str, str, str, str]:
        rng = self.rng
        family, family_kana = rng.choice(SURNAMES)
        key = ("female" if sex == Sex.FEMALE else "male", generation_of(age))
        given, given_kana = rng.choice(GIVEN_NAMES[key])
        return family, given, family_kana, given_kana

    def _phone(self) -> str:
        self.phone_seq += 1
        return f"090-0000-{self.phone_seq:04d}"

    def make_person(self, *, index: int, center_index: int, kind: str, identity: str) -> dict:
        """A person and their household. `kind`: youth, adult, midlife, 8050.
        `identity`: named, kana, nickname, unknown."""
        rng = self.rng
        age = {
            "youth": rng.randint(15, 24),
            "adult": rng.randint(25, 44),
            "midlife": rng.randint(45, 64),
            "8050": rng.randint(45, 55),
        }[kind]
        sex = pick(rng, ((Sex.MALE, 64), (Sex.FEMALE, 31), (Sex.OTHER, 1), (Sex.UNANSWERED, 4)))
        birth_date = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
        birth_date = birth_date.replace(day=min(birth_date.day, 28))
        age = age_on(birth_date, self.today)
        person = Person(
            ward=rng.choice(WARDS[center_index]),
            sex=sex if identity != "unknown" or rng.random() < 0.7 else Sex.UNANSWERED,
        )
        if identity in ("named", "kana"):
            family, given, family_kana, given_kana = self._name(sex, age)
            person.family_name_kana, person.given_name_kana = family_kana, given_kana
            if identity == "named":
                person.family_name, person.given_name = family, given
            if rng.random() < 0.6:
                person.birth_date = birth_date
            else:
                person.age_band = band_for_age(age)
            if rng.random() < 0.35:
                person.phone = self._phone()
            if rng.random() < 0.1:
                person.email = f"demo{index:03d}@example.jp"
            if rng.random() < 0.4:
                person.address = f"{person.ward}{rng.choice(TOWNS)}{rng.randint(1, 5)}丁目"
        elif identity == "nickname":
            person.nickname = NICKNAMES[index % len(NICKNAMES)]
            person.age_band = band_for_age(age)
        else:  # unknown: consulted by family, who gave only an age band (or not even that)
            person.age_band = band_for_age(age) if rng.random() < 0.8 else "unknown"
        if rng.random() < 0.3:
            person.contact_preferences = rng.choice(CONTACT_PREFERENCES)
        person.refresh_search_keys()
        self.persons.append(person)

        # Household: parents with their ages; the 8050 households have parents of 75–85.
        members: dict[str, HouseholdMember] = {}
        lives_alone = (kind == "midlife" and rng.random() < 0.5) or rng.random() < 0.06
        if not lives_alone or rng.random() < 0.5:
            household = Household()
            if rng.random() < 0.2:
                household.note = rng.choice(HOUSEHOLD_NOTES)
            self.households.append(household)
            person.household = household
            if kind == "8050":
                mother_age = rng.randint(max(75, age + 24), 85)
                father_age = min(90, mother_age + rng.randint(0, 4))
                parents_alive = (True, rng.random() < 0.6)
            elif kind == "midlife":
                mother_age = age + rng.randint(24, 34)
                father_age = mother_age + rng.randint(0, 4)
                parents_alive = (not lives_alone and rng.random() < 0.35 and mother_age < 90, False)
            else:
                mother_age = age + rng.randint(24, 36)
                father_age = mother_age + rng.randint(0, 5)
                parents_alive = (rng.random() < 0.95, rng.random() < 0.7)
            surname = person.family_name
            for relationship, member_age, alive in (
                (Relationship.MOTHER, mother_age, parents_alive[0]),
                (Relationship.FATHER, father_age, parents_alive[1]),
            ):
                if not alive:
                    continue
                generation = "old" if member_age >= 70 else "mid"
                given = rng.choice(PARENT_NAMES[(relationship.value, generation)])
                name = "" if identity == "unknown" else f"{surname}{given}" if surname else given
                members[relationship] = HouseholdMember(
                    household=household,
                    relationship=relationship,
                    name=name,
                    age=member_age,
                    age_recorded_on=self.today,
                    lives_together=not lives_alone,
                    phone=self._phone() if rng.random() < 0.3 and identity != "unknown" else "",
                )
            if rng.random() < 0.3:
                members[Relationship.SIBLING] = HouseholdMember(
                    household=household,
                    relationship=Relationship.SIBLING,
                    name="",
                    age=max(10, age + rng.choice((-4, -2, 2, 3, 5))),
                    age_recorded_on=self.today,
                    lives_together=rng.random() < 0.4,
                )
            self.members.extend(members.values())
        return {"person": person, "kind": kind, "identity": identity, "members": members}

    # cases and their contacts

    def make_case(
        self,
        *,
        profile: dict,
        center_index: int,
        fate: str,
        worker: User | None,
        opened_on: date | None = None,
        closed_on: date | None = None,
        closure_reason: str = "",
        transfer: bool = False,
    ) -> Case:
        rng, today = self.rng, self.today
        person = profile["person"]
        center = self.centers[center_index]
        manager = self.users[NORTH_MANAGER if center_index == 0 else SOUTH_MANAGER]
        taker = worker or self.users[NORTH_WORKERS[1] if center_index == 0 else SOUTH_WORKERS[0]]

        # The last contact and the planned next one decide which list the case appears on.
        next_on: date | None = None
        if fate == "new":
            opened_on = today - timedelta(days=rng.randint(1, 12))
            last = opened_on if rng.random() < 0.6 else opened_on + timedelta(days=1)
            last = min(last, today - timedelta(days=1))
            next_on = None if worker is None else today + timedelta(days=rng.randint(-2, 10))
        elif fate == "active":
            last = today - timedelta(days=rng.randint(1, 20))
            next_on = today + timedelta(days=rng.choice((0, 2, 3, 5, 7, 10, 14, 21, 28)))
        elif fate == "overdue":
            next_on = today - timedelta(days=rng.randint(1, 20))
            last = next_on - timedelta(days=rng.randint(7, 25))
        elif fate == "quiet":
            last = today - timedelta(days=rng.randint(35, 90))
            next_on = None if rng.random() < 0.5 else last + timedelta(days=14)
        else:  # closed
            if closed_on is None:
                closed_on = self.start + timedelta(
                    days=rng.randint(150, (today - self.start).days - 5)
                )
            last = closed_on - timedelta(days=rng.randint(0, 21))
        if opened_on is None:
            latest_open = (last - self.start).days - 30
            if fate == "closed":
                opened_on = self.start + timedelta(days=rng.randint(0, max(0, latest_open - 60)))
            else:
                opened_on = self.start + timedelta(
                    days=int(max(0, latest_open) * rng.random() ** 0.8)
                )
        last = max(last, opened_on)

        # Contact days: close together at first, then every few weeks.
        days = [opened_on]
        day = opened_on
        while True:
            early = (day - opened_on).days < 90
            day = day + timedelta(days=rng.randint(7, 28) if early else rng.randint(20, 64))
            if day >= last - timedelta(days=3):
                break
            days.append(day)
        if last > opened_on:
            days.append(last)

        # Whether and when the person is met (most first contacts come from a parent).
        identity = profile["identity"]
        consulter, rel_key = self._intake_consulter(profile, transfer)
        if consulter == Consulter.SELF:
            met_on: date | None = opened_on
        else:
            chance = {"unknown": 0.3, "nickname": 0.5}.get(identity, 0.6)
            met_on = (
                opened_on + timedelta(days=rng.randint(30, 400)) if rng.random() < chance else None
            )
            if met_on and met_on > last:
                met_on = None

        # Status and phase milestones along the timeline.
        milestones: list[tuple[date, str, str]] = []  # (day, field, value)
        assessment = opened_on + timedelta(days=rng.randint(7, 28))
        planning = assessment + timedelta(days=rng.randint(21, 60))
        support = planning + timedelta(days=rng.randint(7, 21))
        end = closed_on or today - timedelta(days=1)
        if fate != "new":
            milestones += [
                (assessment, "status", Status.ASSESSMENT),
                (planning, "status", Status.PLANNING),
                (support, "status", Status.SUPPORT),
            ]
            milestones.append((max(planning, met_on or support), "phase", Phase.INDIVIDUAL))
            if met_on and rng.random() < 0.6:
                group = max(support, met_on) + timedelta(days=rng.randint(60, 200))
                milestones.append((group, "phase", Phase.GROUP))
                if rng.random() < 0.6:
                    trial = group + timedelta(days=rng.randint(120, 300))
                    milestones.append((trial, "phase", Phase.PARTICIPATION))
                    milestones.append(
                        (trial + timedelta(days=rng.randint(60, 150)), "status", Status.MONITORING)
                    )
        milestones = sorted(m for m in milestones if m[0] <= min(end, last))

        case = Case(
            person=person,
            center=center,
            status=Status.INTAKE,
            phase=Phase.ENCOUNTER,
            primary_worker=worker,
            primary_assigned_at=at(opened_on, 17, 0) if worker else None,
            opened_on=opened_on,
            created_by=taker,
        )
        created = at(opened_on, 12, 0)
        case.created_at = case.updated_at = created
        if person.created_at is None:  # a mover's second case keeps the first date
            person.created_at = person.updated_at = created
            person.created_by = taker
            if person.household is not None:
                person.household.created_at = person.household.updated_at = created
        self.cases.append(case)

        def change(field: str, old: str, new: str, on: date, by: User, reason: str = "") -> None:
            self.changes.append(
                CaseChange(
                    case=case,
                    field=field,
                    old_value=old,
                    new_value=new,
                    changed_on=on,
                    changed_at=at(on, 17, 30),
                    changed_by=by,
                    reason=reason,
                )
            )

        change(CaseChange.Field.STATUS, "", Status.INTAKE, opened_on, taker, "受付")
        if worker:
            change(CaseChange.Field.PRIMARY_WORKER, "", str(worker.pk), opened_on, manager)
        for on, field_name, value in milestones:
            old = getattr(case, field_name)
            if old == value:
                continue
            change(field_name, old, value, on, worker or taker)
            setattr(case, field_name, value)
        if fate == "closed":
            note = rng.choice(CLOSURE_NOTES[closure_reason])
            change(CaseChange.Field.STATUS, case.status, Status.CLOSED, closed_on, manager, note)
            case.status = Status.CLOSED
            case.closed_on = closed_on
            case.closure_reason = closure_reason

        # Plans: the first when planning starts, then a new version at each review.
        if case.status not in (Status.INTAKE, Status.ASSESSMENT):
            self._plans(case, profile, planning, met_on, end, worker or taker)

        # The contacts themselves.
        agency = rng.choice(AGENCIES)
        rel = {"mother": "母", "father": "父", "sibling": "姉" if rng.random() < 0.5 else "兄"}
        rel_word = rel.get(rel_key, "母")
        years = rng.randint(15, 30) if profile["kind"] == "8050" else rng.randint(1, 12)
        members = profile["members"]
        for i, day in enumerate(days):
            met = met_on is not None and day >= met_on
            if i == 0:
                method = self._intake_method(consulter)
                this_consulter = consulter
                if transfer:
                    summary = "南部センターより引継ぎ"
                    note = (
                        "南部センターより転居に伴う引継ぎ（本人同意あり）。これまでの経過を共有。"
                    )
                else:
                    summary = {
                        Consulter.FAMILY: "{rel}より初回相談",
                        Consulter.SELF: "本人より初回相談",
                        Consulter.AGENCY: "{agency}より初回相談",
                    }.get(consulter, "初回相談")
                    note = rng.choice(INTAKE_NOTES[self._intake_story(profile, consulter)])
            else:
                method = pick(rng, METHOD_WEIGHTS if met else METHOD_WEIGHTS_UNMET)
                this_consulter = self._consulter_of(method, met)
                summary = self._summary(method, this_consulter, met)
                note = self._note(method, this_consulter, met)
            member_key = rel_key if rel_key in members else next(iter(members), None)
            contact = Contact(
                center=center,
                case=case,
                occurred_at=contact_time(rng, day, method),
                duration_minutes=duration_for(rng, method),
                method=method,
                consulter=this_consulter,
                consulter_member=(
                    members.get(member_key)
                    if this_consulter == Consulter.FAMILY and member_key
                    else None
                ),
                consulter_detail={
                    Consulter.FAMILY: rel_word,
                    Consulter.AGENCY: "南部センター" if transfer and i == 0 else agency,
                    Consulter.OTHER: "近所の方",
                }.get(this_consulter, ""),
                summary=summary.format(rel=rel_word, agency=agency),
                note=note.format(rel=rel_word, agency=agency, years=years),
                follow_up=(
                    rng.choice(FOLLOW_UPS).format(rel=rel_word) if rng.random() < 0.3 else ""
                ),
                is_intake=i == 0,
                heard_via=(
                    (HeardVia.AGENCY if transfer else self._heard_via(profile, consulter))
                    if i == 0
                    else ""
                ),
                recorded_by=taker if i == 0 or worker is None else worker,
            )
            if i + 1 < len(days):
                contact.next_contact_on = days[i + 1]
            elif case.status != Status.CLOSED:
                contact.next_contact_on = next_on if next_on and next_on >= day else None
            contact.created_at = contact.updated_at = contact.occurred_at + timedelta(minutes=30)
            self.contacts.append(contact)
            self.contact_workers.append((contact, contact.recorded_by))
            if method in (Method.HOME_VISIT, Method.ACCOMPANY) and rng.random() < 0.4:
                partner = self._colleague(center_index, contact.recorded_by)
                if partner is not None:
                    self.contact_workers.append((contact, partner))

        last_contact = self.contacts[-1]
        case.last_contact_at = last_contact.occurred_at
        case.next_contact_on = None if case.status == Status.CLOSED else next_on
        if next_on and next_on < last and case.status != Status.CLOSED:
            case.next_contact_on = None
        return case

    def _intake_consulter(self, profile: dict, transfer: bool) -> tuple[str, str]:
        """Who made the first contact, and which family member (mother, father, sibling)."""
        rng = self.rng
        members = profile["members"]
        if transfer:
            return Consulter.AGENCY, ""
        if profile["identity"] == "unknown":
            options = (("mother", 75), ("father", 25))
        elif profile["kind"] == "8050":
            options = (("mother", 50), ("father", 20), ("sibling", 10), ("agency", 20))
        else:
            options = (
                ("mother", 45),
                ("father", 15),
                ("sibling", 4),
                ("self", 24),
                ("agency", 9),
                ("other", 3),
            )
        who = pick(rng, options)
        if who in ("mother", "father", "sibling") and who not in members:
            who = next(iter(members), "self")
            if who == "self" and profile["identity"] in ("unknown",):
                return Consulter.OTHER, ""
        if who == "self":
            return Consulter.SELF, ""
        if who == "agency":
            return Consulter.AGENCY, ""
        if who == "other":
            return Consulter.OTHER, ""
        return Consulter.FAMILY, who

    def _intake_method(self, consulter: str) -> str:
        rng = self.rng
        if consulter == Consulter.SELF:
            return pick(
                rng,
                (
                    (Method.LINE, 35),
                    (Method.PHONE, 25),
                    (Method.EMAIL, 15),
                    (Method.METAVERSE, 10),
                    (Method.VISIT, 8),
                    (Method.ONLINE, 7),
                ),
            )
        if consulter == Consulter.AGENCY:
            return pick(rng, ((Method.INTER_AGENCY, 60), (Method.PHONE, 40)))
        return pick(
            rng,
            (
                (Method.PHONE, 75),
                (Method.VISIT, 12),
                (Method.EMAIL, 7),
                (Method.LINE, 4),
                (Method.ONLINE, 2),
            ),
        )

    def _intake_story(self, profile: dict, consulter: str) -> str:
        if consulter == Consulter.SELF:
            return "self"
        if consulter == Consulter.AGENCY:
            return "agency"
        if profile["identity"] == "unknown":
            return "anonymous"
        return "family_8050" if profile["kind"] == "8050" else "family"

    def _consulter_of(self, method: str, met: bool) -> str:
        """Who the center spoke with: the family until the person is met, then mostly them."""
        if method == Method.INTER_AGENCY:
            return Consulter.AGENCY
        if not met:
            return Consulter.FAMILY
        if method in (Method.LINE, Method.ONLINE, Method.METAVERSE, Method.ACCOMPANY):
            return Consulter.SELF
        return Consulter.SELF if self.rng.random() < 0.65 else Consulter.FAMILY

    def _summary(self, method: str, consulter: str, met: bool) -> str:
        family = consulter == Consulter.FAMILY
        if method == Method.PHONE:
            return "{rel}と電話（近況）" if family else "本人と電話"
        if method == Method.VISIT:
            if family:
                return "{rel}来所"
            return self.rng.choice(("本人来所", "本人来所（居場所の見学）"))
        if method == Method.EMAIL:
            return "{rel}よりメール" if family else "本人よりメール"
        if method == Method.HOME_VISIT and not met:
            return self.rng.choice(("自宅訪問（手紙を届ける）", "自宅訪問"))
        return self.rng.choice(SUMMARIES[method])

    def _note(self, method: str, consulter: str, met: bool) -> str:
        notes = FOLLOW_UP_NOTES
        if method == Method.HOME_VISIT and not met:
            return self.rng.choice(notes["home_visit_unmet"])
        if method in notes:
            return self.rng.choice(notes[method])
        return self.rng.choice(notes["self" if consulter == Consulter.SELF else "family"])

    def _heard_via(self, profile: dict, consulter: str) -> str:
        if consulter == Consulter.AGENCY:
            return HeardVia.AGENCY
        if consulter == Consulter.SELF and self.rng.random() < 0.4:
            return self.rng.choice((HeardVia.METAVERSE, HeardVia.LINE, HeardVia.INTERNET))
        if profile["kind"] == "youth" and self.rng.random() < 0.3:
            return HeardVia.SCHOOL
        return pick(self.rng, HEARD_VIA_WEIGHTS)

    def _colleague(self, center_index: int, user: User) -> User | None:
        names = (
            (*NORTH_WORKERS, NORTH_MANAGER)
            if center_index == 0
            else (*SOUTH_WORKERS, SOUTH_MANAGER)
        )
        others = [self.users[n] for n in names if self.users[n].pk != user.pk]
        return self.rng.choice(others) if others else None

    def _plans(
        self, case: Case, profile: dict, planning: date, met_on, end: date, author: User
    ) -> None:
        rng = self.rng
        agreed = planning + timedelta(days=rng.randint(0, 6))
        number = 0
        while agreed <= end and number < 8:
            number += 1
            person_voice = met_on is not None and met_on <= agreed
            goals = rng.sample(PERSON_GOALS if person_voice else FAMILY_GOALS, k=2)
            review_on = agreed + timedelta(days=rng.choice((120, 180, 180)))
            agreed_by = (
                rng.choice(("本人", "本人・母"))
                if person_voice
                else ("父" if rng.random() < 0.25 else "母")
            )
            self.plans.append(
                PlanVersion(
                    case=case,
                    number=number,
                    goals="\n".join(goals),
                    voice=PlanVersion.Voice.PERSON if person_voice else PlanVersion.Voice.FAMILY,
                    planned_supports="\n".join(rng.sample(PLANNED_SUPPORTS, k=rng.randint(2, 3))),
                    review_on=review_on,
                    agreed_by=agreed_by,
                    agreed_on=agreed,
                    created_by=author,
                    created_at=at(agreed, 16, 0),
                )
            )
            agreed = review_on + timedelta(days=rng.randint(0, 14))
        # Reviews mostly happen on time; now and then the latest one is still waiting.
        latest = self.plans[-1]
        if number >= 2 and (end - latest.agreed_on).days < 45 and rng.random() < 0.25:
            self.plans.pop()

    # writing

    def save(self) -> None:
        with own_timestamps(Household, Person, Case, Contact, CaseChange, PlanVersion):
            for household in self.households:
                if household.created_at is None:
                    household.created_at = household.updated_at = timezone.now()
            Household.objects.bulk_create(self.households)
            HouseholdMember.objects.bulk_create(self.members)
            Person.objects.bulk_create(self.persons)
            Case.objects.bulk_create(self.cases)
            Contact.objects.bulk_create(self.contacts, batch_size=1000)
            Through = Contact.workers.through
            Through.objects.bulk_create(
                [Through(contact_id=c.pk, user_id=u.pk) for c, u in self.contact_workers],
                batch_size=2000,
                ignore_conflicts=True,
            )
            Secondary = Case.secondary_workers.through
            Secondary.objects.bulk_create(
                [Secondary(case_id=c.pk, user_id=u.pk) for c, u in self.secondary]
            )
            CaseChange.objects.bulk_create(self.changes, batch_size=1000)
            PlanVersion.objects.bulk_create(self.plans)

    def build(self) -> None:
        rng = self.rng
        profiles: list[tuple[int, dict]] = []
        index = 0
        for center_index, count in enumerate(PERSONS_PER_CENTER):
            kinds = ["youth"] * 24 + ["adult"] * 41 + ["midlife"] * 13 + ["8050"] * 12
            if center_index == 1:
                kinds = ["youth"] * 16 + ["adult"] * 27 + ["midlife"] * 9 + ["8050"] * 8
            identities = (
                ["named"] * int(count * 0.74)
                + ["kana"] * int(count * 0.05)
                + ["nickname"] * int(count * 0.1)
            )
            identities += ["unknown"] * (count - len(identities))
            rng.shuffle(kinds)
            rng.shuffle(identities)
            for kind, identity in zip(kinds[:count], identities, strict=True):
                index += 1
                profile = self.make_person(
                    index=index, center_index=center_index, kind=kind, identity=identity
                )
                profiles.append((center_index, profile))

        for center_index in (0, 1):
            mine = [p for c, p in profiles if c == center_index]
            n = len(mine)
            fates = ["new"] * (5 if center_index == 0 else 3)
            fates += ["overdue"] * (5 if center_index == 0 else 4)
            fates += ["quiet"] * (4 if center_index == 0 else 3)
            fates += ["closed"] * round(n * 0.2)
            fates += ["active"] * (n - len(fates))
            rng.shuffle(fates)
            if center_index == 0:
                workers = [self.users[w] for w in NORTH_WORKERS]
                weights = (55, 45)
            else:
                workers = [self.users[w] for w in SOUTH_WORKERS]
                weights = (100,)
            unassigned = 3 if center_index == 0 else 2
            movers_left = MOVERS if center_index == 0 else 0
            for profile, fate in zip(mine, fates, strict=True):
                worker = rng.choices(workers, weights=weights)[0]
                if fate == "new" and unassigned:
                    worker = None
                    unassigned -= 1
                if movers_left and fate == "active" and profile["identity"] == "named":
                    # First supported in the south, then moved north: one case per center.
                    movers_left -= 1
                    closed_on = self.today - timedelta(days=rng.randint(200, 400))
                    self.make_case(
                        profile=profile,
                        center_index=1,
                        fate="closed",
                        worker=self.users[SOUTH_WORKERS[0]],
                        closed_on=closed_on,
                        closure_reason=ClosureReason.MOVED,
                    )
                    self.changes[-1].reason = "北区へ転居。北部センターへ引継ぎ（本人同意あり）。"
                    case = self.make_case(
                        profile=profile,
                        center_index=0,
                        fate=fate,
                        worker=worker,
                        opened_on=closed_on + timedelta(days=rng.randint(0, 10)),
                        transfer=True,
                    )
                else:
                    reason = pick(rng, CLOSURE_WEIGHTS) if fate == "closed" else ""
                    case = self.make_case(
                        profile=profile,
                        center_index=center_index,
                        fate=fate,
                        worker=worker,
                        closure_reason=reason,
                    )
                if worker and case.status != Status.CLOSED and rng.random() < 0.22:
                    colleague = self._colleague(center_index, worker)
                    if colleague is not None:
                        self.secondary.append((case, colleague))

        self._risks()
        self._agency_consultations()

    def _risks(self) -> None:
        """A few open cases with risk flags; the self-harm ones escalated to the manager."""
        rng = self.rng
        candidates = [c for c in self.cases if c.status != Status.CLOSED and c.primary_worker]
        chosen = rng.sample(candidates, k=10)
        flags = [
            ("risk_self_harm",),
            ("risk_self_harm", "risk_no_medical"),
            ("risk_self_harm",),
            ("risk_violence",),
            ("risk_violence", "risk_no_medical"),
            ("risk_abuse",),
            ("risk_no_medical",),
            ("risk_no_medical",),
            ("risk_no_medical",),
            ("risk_violence",),
        ]
        for case, names in zip(chosen, flags, strict=True):
            for name in names:
                setattr(case, name, True)
            case.risk_note = "\n".join(RISK_NOTES[n] for n in names)
            if "risk_self_harm" in names or "risk_abuse" in names:
                flagged = case.last_contact_at - timedelta(days=rng.randint(0, 20))
                case.risk_escalated_at = max(flagged, at(case.opened_on, 18, 0))
                if rng.random() < 0.6:
                    case.risk_acknowledged_at = case.risk_escalated_at + timedelta(hours=2)
                    manager = NORTH_MANAGER if case.center == self.centers[0] else SOUTH_MANAGER
                    case.risk_acknowledged_by = self.users[manager]

    def _agency_consultations(self) -> None:
        """Agencies asking for advice about someone the center has no record of (no case)."""
        rng = self.rng
        for center_index, count in ((0, 15), (1, 10)):
            center = self.centers[center_index]
            manager = self.users[NORTH_MANAGER if center_index == 0 else SOUTH_MANAGER]
            for _ in range(count):
                day = self.start + timedelta(
                    days=rng.randint(0, (self.today - self.start).days - 1)
                )
                agency = rng.choice(AGENCIES[:7])
                contact = Contact(
                    center=center,
                    case=None,
                    occurred_at=contact_time(rng, day, Method.PHONE),
                    duration_minutes=rng.randint(3, 8) * 5,
                    method=rng.choice((Method.INTER_AGENCY, Method.PHONE)),
                    consulter=Consulter.AGENCY,
                    consulter_detail=agency,
                    summary=f"{agency}より機関相談",
                    note=f"{agency}より、担当している家族の中に長く家で過ごしている方がいるとの相談。"
                    "家族への声かけの工夫と、センターの案内方法を助言した。",
                    recorded_by=manager,
                )
                contact.created_at = contact.updated_at = contact.occurred_at
                self.contacts.append(contact)
                self.contact_workers.append((contact, manager))


def demo_centers() -> list[Center]:
    by_name = {c.name: c for c in Center.objects.filter(name__in=[n for n, *_ in DEMO_CENTERS])}
    return [by_name[n] for n, *_ in DEMO_CENTERS if n in by_name]


def load_demo_cases(stdout=None, *, today: date | None = None) -> None:
    """Fill the demo centers with fictional case work, once."""
    centers = demo_centers()
    names = (*NORTH_WORKERS, NORTH_MANAGER, *SOUTH_WORKERS, SOUTH_MANAGER)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(centers) < 2 or len(users) < len(names):
        if stdout:
            stdout.write("Demo cases skipped: the demo centers and accounts are not loaded.")
        return
    if Case.objects.filter(center__in=centers).exists():
        if stdout:
            stdout.write("Demo cases: already loaded.")
        return
    demo = _Demo(today=today or timezone.localdate(), centers=centers, users=users)
    demo.build()
    demo.save()
    if stdout:
        stdout.write(
            f"Demo cases: {len(demo.persons)} persons, {len(demo.cases)} cases, "
            f"{len(demo.contacts)} contacts, {len(demo.plans)} plan versions (all fictional)."
        )
