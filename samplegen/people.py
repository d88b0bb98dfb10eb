"""The people, units and policies of a fictional county, 东岭县, 1956–2010.

Names follow the era: common surnames weighted high, the rarer and two-character surnames that
break naive search (曾 瞿 覃 单 解 仇 区 朴 翟 欧阳 司马 上官), and given names of the 1930s–70s.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COMMON_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴莫孔向汤"
)
RARE_SURNAMES = ["曾", "瞿", "覃", "单", "解", "仇", "区", "朴", "翟", "欧阳", "司马", "上官"]
MALE_GIVEN = [
    "建国",
    "国强",
    "志刚",
    "卫东",
    "德明",
    "永红",
    "建华",
    "文革",
    "跃进",
    "振华",
    "新民",
    "国庆",
    "学军",
    "红兵",
    "立新",
    "长青",
    "保国",
    "树林",
    "福生",
    "海涛",
    "春生",
    "国栋",
    "建军",
    "双喜",
    "宝山",
    "明",
    "伟",
    "勇",
    "军",
    "斌",
    "杰",
    "涛",
    "强",
    "平",
    "刚",
    "忠",
    "林",
    "东",
    "华",
    "继承",
    "守业",
    "金贵",
    "玉堂",
    "满仓",
    "来福",
    "广才",
    "世昌",
    "付明",
    "占魁",
    "兴旺",
    "万里",
]
FEMALE_GIVEN = [
    "秀英",
    "桂兰",
    "淑珍",
    "玉兰",
    "红梅",
    "秀兰",
    "凤英",
    "翠花",
    "丽华",
    "美玲",
    "素芳",
    "金凤",
    "春梅",
    "秀珍",
    "玉珍",
    "桂英",
    "兰英",
    "淑华",
    "小红",
    "卫红",
    "爱华",
    "亚琴",
    "月娥",
    "巧云",
    "冬梅",
    "海燕",
    "芳",
    "敏",
    "霞",
    "静",
    "萍",
    "燕",
    "娟",
    "英",
    "丽",
    "琳",
]

COUNTY = "东岭县"
UNITS = [
    "东岭县第二机床厂",
    "东岭县红星农机修造厂",
    "东岭县城关供销合作社",
    "东岭县粮食局",
    "东岭县第一中学",
    "东岭县水泥厂",
    "东岭县棉纺织厂",
    "东岭县百货公司",
    "东岭县食品公司",
    "东岭县汽车运输公司",
    "东岭县人民医院",
    "东岭县城关镇中心小学",
]
SCHOOLS = [
    "东岭县城关镇中心小学",
    "东岭县河口乡中心小学",
    "东岭县石门乡大庄小学",
    "东岭县柳湾乡初级中学",
    "东岭县南岔乡王家沟小学",
]
JOBS = [
    "车工",
    "钳工",
    "电工",
    "保管员",
    "会计",
    "营业员",
    "司机",
    "教师",
    "干事",
    "炊事员",
    "统计员",
]
GRADES = ["二级", "三级", "四级", "五级", "六级", "七级"]
EDUCATION = ["小学", "初中", "高中", "中专", "大专"]
NATIONS = ["汉族", "汉族", "汉族", "回族", "藏族", "东乡族"]
REGION = "620421"  # county code used in ID numbers

# Policies the documents cite: (issuer 代字, year, number) and what they are about.
POLICIES = {
    "wage_1985": [("中发", 1985, 9), ("劳人薪", 1985, 41)],
    "wage_1993": [("国发", 1993, 79), ("甘政发", 1993, 45)],
    "teacher": [("甘教人", 1994, 12), ("东教字", 1995, 8)],
    "military": [("国发", 1987, 105), ("东民安", 1984, 23)],
    "retirement": [("国发", 1978, 104), ("东劳字", 1999, 31)],
    "recruitment": [("国发", 1986, 77)],
}


@dataclass
class Person:
    name: str
    gender: str
    birth: tuple[int, int, int]
    work_start: tuple[int, int, int]
    unit: str
    former_name: str | None = None
    job: str = "车工"
    nation: str = "汉族"
    education: str = "初中"
    extra: dict = field(default_factory=dict)

    @property
    def id_number(self) -> str:
        y, m, d = self.birth
        seq = sum(ord(c) for c in self.name) % 90 + 10
        sex_digit = 1 if self.gender == "男" else 2
        body = f"{REGION}{y:04d}{m:02d}{d:02d}{seq:02d}{sex_digit}"
        return body + id_checksum(body)


def id_checksum(body17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return "10X98765432"[total % 11]


def make_name(rng: random.Random, gender: str, taken: set[str]) -> str:
    for _ in range(200):
        surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.18 else rng.choice(COMMON_SURNAMES)
        given = rng.choice(MALE_GIVEN if gender == "男" else FEMALE_GIVEN)
        name = surname + given
        if len(name) > 4 or name in taken:
            continue
        taken.add(name)
        return name
    # Large corpora exhaust the common given names: compose new ones from era characters,
    # and past that allow a namesake (同名同姓), as real archives have.
    chars = ("建国志刚卫东德明永红华新民庆军兵立长青保树林福生海春栋喜宝山"
             "秀英桂兰淑珍玉凤丽美玲素芳金梅霞")
    for _ in range(200):
        surname = rng.choice(COMMON_SURNAMES) if rng.random() < 0.85 else rng.choice(RARE_SURNAMES)
        name = surname + rng.choice(chars) + rng.choice(chars)
        if name not in taken and len(name) <= 4:
            taken.add(name)
            return name
    return name


def make_person(
    rng: random.Random,
    taken: set[str],
    *,
    name: str | None = None,
    gender: str | None = None,
    unit: str | None = None,
    birth_year: int | None = None,
) -> Person:
    gender = gender or rng.choice("男男女")
    if name is None:
        name = make_name(rng, gender, taken)
    else:
        taken.add(name)
    by = birth_year or rng.randint(1928, 1962)
    birth = (by, rng.randint(1, 12), rng.randint(1, 28))
    ws = min(by + rng.randint(16, 24), 1984)
    person = Person(
        name=name,
        gender=gender,
        birth=birth,
        work_start=(ws, rng.randint(1, 12), rng.randint(1, 28)),
        unit=unit or rng.choice(UNITS),
        job=rng.choice(JOBS),
        nation=rng.choice(NATIONS),
        education=rng.choice(EDUCATION),
    )
    return person
