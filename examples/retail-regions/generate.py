"""Generates employees.json (deterministic): 48 store managers in four regions, with two planted data errors.

Run from this folder: python3 generate.py
"""
import json, random
rng = random.Random(20260401)
regions = {
  "华东区": ["上海", "杭州", "南京", "苏州"],
  "华南区": ["广州", "深圳", "厦门"],
  "华北区": ["北京", "天津", "济南"],
  "西南区": ["成都", "重庆", "昆明"],
}
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红鹏飞辉宁鑫颖琳倩峰波斌浩凯晨欣悦婷"
out = []
n = 0
for region, cities in regions.items():
    for k in range(12):
        n += 1
        city = cities[k % len(cities)]
        target = rng.choice([800, 900, 1000, 1200, 1500])
        att = rng.gauss(1.0 if region != "西南区" else 0.93, 0.09)
        sales = round(target * att)
        head = rng.randint(8, 20)
        leavers = min(head, max(0, round(rng.gauss(2.0 if region != "华北区" else 3.5, 1.5))))
        v = {"sales": sales, "sales_target": target, "nps": max(-20, min(90, round(rng.gauss(50, 12)))),
             "headcount_start": head, "leavers": leavers, "training_sessions": max(0, min(10, round(rng.gauss(5.5, 1.5))))}
        if rng.random() < 0.15:
            v["compliance_issues"] = rng.randint(1, 3)
        name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.5 else "")
        out.append({"id": f"R{n:04d}", "attributes": {"name": name, "department": region, "city": city, "store": f"{city}{k // len(cities) + 1}号店"}, "values": v})
# Two planted data errors for the anomaly list:
out[14]["values"].update({"sales": 4380, "sales_target": 1500})        # 华南区: a month's sales entered three times
out[30]["values"]["training_sessions"] = 40                         # 华北区: 4 typed as 40
json.dump(out, open("employees.json", "w"), ensure_ascii=False, indent=2)
open("employees.json", "a").write("\n")
