#!/usr/bin/env python3
"""Draws the station's pictograms and step illustrations as SVG (see README.md).

Lines are SVG strokes; people and body parts are solid shapes built with shapely, with a gap cut
around whatever lies in front of them, so that one colour (currentColor) is enough.
Run: python3 make-pictograms.py [OUTDIR]   (needs: pip install shapely)
"""
import math, os, sys
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union
from shapely import affinity

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

def fmt(v):
    s = f'{v:.1f}'.rstrip('0').rstrip('.')
    return '0' if s == '-0' else s

class Art:
    def __init__(self, name, w, h, line):
        self.name, self.w, self.h, self.line = name, w, h, line
        self.items = []      # ('raw', text) or ('solid', index)
        self.solids = []     # shapely geometries (solid shapes), filled with currentColor
    def raw(self, text):
        self.items.append(('raw', text)); return self
    def path(self, d, **a):
        extra = ''.join(f' {k.replace("_", "-")}="{v}"' for k, v in a.items())
        return self.raw(f'<path d="{d}"{extra}/>')
    def fillpath(self, d):
        return self.raw(f'<path d="{d}" fill="currentColor" stroke="none"/>')
    def solid(self, geom):
        self.solids.append(geom); self.items.append(('solid', len(self.solids) - 1)); return self
    def svg(self):
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{self.w}" height="{self.h}" '
               f'viewBox="0 0 {self.w} {self.h}" fill="none" stroke="currentColor" stroke-width="{self.line}" '
               f'stroke-linecap="round" stroke-linejoin="round">']
        for kind, v in self.items:
            if kind == 'raw':
                out.append(v)
            else:
                d = geom_d(self.solids[v].intersection(box(0, 0, self.w, self.h)))
                if d:
                    out.append(f'<path d="{d}" fill="currentColor" stroke="none" fill-rule="evenodd"/>')
        out.append('</svg>')
        return '\n'.join(out) + '\n'
    def save(self):
        with open(os.path.join(OUT, self.name + '.svg'), 'w') as f:
            f.write(self.svg())

def ring_d(coords):
    pts = list(coords)[:-1]
    s = f'M{fmt(pts[0][0])} {fmt(pts[0][1])}'
    for x, y in pts[1:]:
        s += f'L{fmt(x)} {fmt(y)}'
    return s + 'Z'

def geom_d(g):
    g = g.simplify(0.15)
    polys = [g] if g.geom_type == 'Polygon' else [p for p in getattr(g, 'geoms', []) if p.geom_type == 'Polygon']
    parts = []
    for p in polys:
        if p.is_empty or p.area < 1:
            continue
        parts.append(ring_d(p.exterior.coords))
        for i in p.interiors:
            parts.append(ring_d(i.coords))
    return ''.join(parts)

# ---- solid-shape helpers ---------------------------------------------------------------------
def limb(pts, width):
    return LineString(pts).buffer(width / 2, quad_segs=8)
def disc(x, y, r):
    return Point(x, y).buffer(r, quad_segs=12)
def rrect(x0, y0, x1, y1, r):
    return box(x0 + r, y0 + r, x1 - r, y1 - r).buffer(r, quad_segs=8) if r else box(x0, y0, x1, y1)

ARTS = []
def art(name, w=48, h=48, line=3):
    a = Art(name, w, h, line); ARTS.append(a); return a

# =============================================================================================
# Pictograms: 48 x 48, line 3
# =============================================================================================
CROSS = 'M{x} {y}m-2.5 -8h5v5.5h5.5v5h-5.5v5.5h-5v-5.5h-5.5v-5h5.5z'
def cross(a, x, y):
    a.fillpath(CROSS.format(x=x, y=y))

# Services ------------------------------------------------------------------------------------
a = art('service-self-test')      # 健康自测: a heart with a pulse line
a.path('M24 41C11 32 5 24.5 5 17 5 11 9.5 6.5 15 6.5c4 0 7.5 2.5 9 6 1.5-3.5 5-6 9-6 5.5 0 10 4.5 10 10.5 0 7.5-6 15-19 24z')
a.path('M7 24h8l3.5-6 5 13 4.5-16 3.5 9h9')

a = art('service-reports')        # 我的报告: a sheet of paper with a bar chart
a.path('M11 7a2 2 0 0 1 2-2h16l9 9v27a2 2 0 0 1-2 2H13a2 2 0 0 1-2-2z')
a.path('M29 5v9h9')
a.path('M17 37v-6M24 37V23M31 37v-9')
a.path('M17 13h6')

a = art('service-records')        # 健康档案: a file folder with a medical cross
a.path('M5 13a3 3 0 0 1 3-3h10l4 4h18a3 3 0 0 1 3 3v21a3 3 0 0 1-3 3H8a3 3 0 0 1-3-3z')
cross(a, 24, 28)

a = art('service-appointment')    # 预约挂号: a calendar with a tick
a.path('M6 12a3 3 0 0 1 3-3h30a3 3 0 0 1 3 3v28a3 3 0 0 1-3 3H9a3 3 0 0 1-3-3z')
a.path('M6 18h36M16 5v7M32 5v7')
a.path('M16 30l6 6 11-11')

a = art('service-call-doctor')    # 呼叫医生: a telephone handset and a medical cross
a.raw('<path d="M6 9.5 12.5 5.5 18.5 14 14 18.5Q18 28 29.5 34L34 29.5 42.5 35.5 38.5 42Q21 44 6 9.5Z" fill="currentColor"/>')
cross(a, 35, 13)

# Controls ------------------------------------------------------------------------------------
a = art('logout')                 # 退出: a door and an arrow going out
a.path('M27 14V8a3 3 0 0 0-3-3H10a3 3 0 0 0-3 3v32a3 3 0 0 0 3 3h14a3 3 0 0 0 3-3v-6')
a.path('M18 24h25M35 16l8 8-8 8')

a = art('print-report')           # 打印报告: a printer with a sheet coming out
a.path('M14 16V5h20v11')
a.path('M14 35H9a3 3 0 0 1-3-3V19a3 3 0 0 1 3-3h30a3 3 0 0 1 3 3v13a3 3 0 0 1-3 3h-5')
a.path('M14 28h20v15H14z')
a.path('M19 35.5h10')
a.raw('<circle cx="35.5" cy="22" r="2" fill="currentColor" stroke="none"/>')

a = art('replay')                 # 再听一遍: a loudspeaker and a turn-back arrow
a.raw('<path d="M5 18h6l9-8v28l-9-8H5z" fill="currentColor"/>')
a.path('M27 24a8.5 8.5 0 1 0 8.5-8.5h-3')
a.path('M36 11l-4.5 4.5L36 20')

a = art('back-home')              # 返回首页: a house
a.path('M5 23 24 7l19 16')
a.path('M11 18v22a2 2 0 0 0 2 2h22a2 2 0 0 0 2-2V18')
a.path('M20 42V31h8v11')

a = art('back')                   # 返回: an arrow pointing back (left)
a.path('M41 24H9M20 12 8 24l12 12')

a = art('staff')                  # 工作人员: a person wearing a staff badge on a lanyard
s = rrect(7, 28, 41, 50, 10).intersection(box(0, 0, 48, 44))
s = s.difference(rrect(25, 32, 37, 41.5, 1.5)).difference(LineString([(19, 28), (27.5, 32.5)]).buffer(1.2))
a.solid(s)
a.raw('<circle cx="24" cy="14.5" r="8.5" fill="currentColor" stroke="none"/>')
a.raw('<rect x="28" y="35" width="6" height="3.5" fill="currentColor" stroke="none"/>')
a = art('measure-blood-pressure') # 血压: a dial gauge, its tube and the cuff
a.raw('<circle cx="30" cy="18" r="12"/>')
a.path('M30 18l6-6')
a.raw('<circle cx="30" cy="18" r="2.5" fill="currentColor" stroke="none"/>')
a.path('M30 30v4a4 4 0 0 1-4 4h-4')
a.path('M6 34a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2z')

a = art('measure-body')           # 身高体重: a person on the scale, under the height bar
fig = unary_union([rrect(16.5, 17, 27.5, 30, 3.5), limb([(19.7, 28), (19.7, 36)], 4.6), limb([(24.3, 28), (24.3, 36)], 4.6)])
fig = fig.difference(LineString([(22, 29), (22, 40)]).buffer(1))
arms = unary_union([limb([(13.6, 19.5), (13.6, 29)], 3.6), limb([(30.4, 19.5), (30.4, 29)], 3.6)])
a.solid(unary_union([fig, arms]))
a.raw('<circle cx="22" cy="10.5" r="4.5" fill="currentColor" stroke="none"/>')
a.path('M39 39V4.5H22')
a.fillpath('M7 40h34a2 2 0 0 1 2 2v1a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2v-1a2 2 0 0 1 2-2z')
a = art('measure-temperature')    # 体温: a thermometer
a.path('M19 29.5V10a5 5 0 0 1 10 0v19.5a9 9 0 1 1-10 0z')
a.raw('<circle cx="24" cy="36" r="4" fill="currentColor" stroke="none"/>')
a.path('M24 33V17')
a.path('M34 12h4M34 18h4M34 24h4')

a = art('measure-glucose')        # 血糖: a meter with a test strip and a drop of blood
a.path('M10 21a3 3 0 0 1 3-3h18a3 3 0 0 1 3 3v19a3 3 0 0 1-3 3H13a3 3 0 0 1-3-3z')
a.path('M15 23h14v8H15z')
a.path('M18 18V7h8v11')
a.raw('<circle cx="22" cy="37.5" r="2" fill="currentColor" stroke="none"/>')
a.fillpath('M38 4c-3 4-6 7.5-6 11a6 6 0 0 0 12 0c0-3.5-3-7-6-11z')

a = art('measure-spo2')           # 血氧: a raised index finger wearing the oximeter clip
clip = rrect(10, 3, 31, 17, 4)
hand = unary_union([rrect(14, 29, 38, 46, 6), limb([(20.5, 32), (20.5, 10)], 8.5), limb([(15, 38), (9, 31)], 6)])
for y in (35, 40.5):
    hand = hand.difference(LineString([(26, y), (40, y)]).buffer(1.1))
hand = hand.difference(clip.buffer(1.5 + 2))
a.solid(hand)
a.path(geom_d(clip))
a.fillpath('M20.5 14.5c-2.2-1.6-4-2.9-4-4.5 0-1 .8-1.7 1.7-1.7 1 0 1.7.7 2.3 1.4.6-.7 1.3-1.4 2.3-1.4.9 0 1.7.7 1.7 1.7 0 1.6-1.8 2.9-4 4.5z')

a = art('measure-tcm-questionnaire')  # 中医体质辨识: a clipboard with ticks and a leaf
a.path('M11 9h-1a3 3 0 0 0-3 3v28a3 3 0 0 0 3 3h28a3 3 0 0 0 3-3V12a3 3 0 0 0-3-3h-1')
a.fillpath('M17 5h14a2 2 0 0 1 2 2v4a2 2 0 0 1-2 2H17a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z')
a.path('M13 21l2.5 2.5 4.5-5M24 21h11')
a.path('M13 31l2.5 2.5 4.5-5M24 31h5')
a.fillpath('M29 40c0-7 4-10 9-11 0 6-3 10-9 11z')

# Glucose timing choices ------------------------------------------------------------------------
def bowl(a, x0=5, x1=43, y=26, depth=13):
    a.path(f'M{x0} {y}h{x1 - x0}c0 {depth * .62:.1f}-{(x1 - x0) * .22:.1f} {depth}-{(x1 - x0) / 2} {depth}S{x0} {y + depth * .62:.1f} {x0} {y}z')
    cx = (x0 + x1) / 2
    a.path(f'M{cx - 6} {y + depth + 3.5}h12')

a = art('glucose-timing-fasting')   # 空腹: an empty bowl after the night (a moon)
bowl(a, 4, 36, 27, 12)
a.solid(disc(36, 11, 7.5).difference(disc(40, 7.5, 6.5)))
a = art('glucose-timing-two-hour')  # 饭后 2 小时: a bowl of rice and a clock with two hours marked
bowl(a, 3, 31, 29, 11)
a.fillpath('M6 26.5c1.5-6 6-9 11-9s9.5 3 11 9z')
a.raw('<circle cx="36" cy="13" r="10"/>')
a.fillpath('M36 13V4.5a8.5 8.5 0 0 1 7.4 4.25z')
a.raw('<circle cx="36" cy="13" r="2" fill="currentColor" stroke="none"/>')

a = art('glucose-timing-random')    # 其他时间: a clock
a.raw('<circle cx="24" cy="24" r="19"/>')
a.path('M24 12v12l8 5')
a.raw('<circle cx="24" cy="24" r="2.5" fill="currentColor" stroke="none"/>')

# Identification --------------------------------------------------------------------------------
a = art('identify-card')          # 插卡: a card, chip up, going down into the slot
a.path('M11 29V6a3 3 0 0 1 3-3h14a3 3 0 0 1 3 3v23')
a.fillpath('M16 18h7a1.5 1.5 0 0 1 1.5 1.5v6a1.5 1.5 0 0 1-1.5 1.5h-7a1.5 1.5 0 0 1-1.5-1.5v-6a1.5 1.5 0 0 1 1.5-1.5z')
a.fillpath('M7 34h34a2.5 2.5 0 0 1 0 5H7a2.5 2.5 0 0 1 0-5z')
a.path('M39 6v17M34.5 18.5 39 23l4.5-4.5')
a = art('identify-id-card')       # 身份证: the identity card, portrait on the right
a.path('M4 12a3 3 0 0 1 3-3h34a3 3 0 0 1 3 3v24a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3z')
a.path('M10 17h12M10 24h12M10 31h8')
a.raw('<circle cx="33" cy="19" r="4" fill="currentColor" stroke="none"/>')
a.fillpath('M26 33v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1z')

a = art('identify-health-qr')     # 健康码: a phone showing a QR code
a.path('M11 7a4 4 0 0 1 4-4h18a4 4 0 0 1 4 4v34a4 4 0 0 1-4 4H15a4 4 0 0 1-4-4z')
a.path('M21 38.5h6')
for (x, y) in ((14.5, 8), (25.5, 8), (14.5, 19)):       # the three finder squares
    a.raw(f'<path d="M{x} {y}h8v8h-8zM{x + 2} {y + 2}v4h4v-4z" fill="currentColor" stroke="none" fill-rule="evenodd"/>')
a.fillpath('M25.5 19h3v3h-3zM30.5 19h3v3h-3zM28 24h3v3h-3z')

a = art('identify-face')          # 刷脸: a face inside the camera's framing corners
a.path('M5 15V9a4 4 0 0 1 4-4h6M33 5h6a4 4 0 0 1 4 4v6M43 33v6a4 4 0 0 1-4 4h-6M15 43H9a4 4 0 0 1-4-4v-6')
a.raw('<circle cx="18" cy="20" r="2.5" fill="currentColor" stroke="none"/>')
a.raw('<circle cx="30" cy="20" r="2.5" fill="currentColor" stroke="none"/>')
a.path('M24 20v6h-2M18 31.5q6 5 12 0')

# =============================================================================================
# Step illustrations: 240 x 180, line 6; people are solid
# =============================================================================================
FLOOR = 170

def ill(name):
    return art(name, 240, 180, 6)

class Frame:
    """Centimetres around a person's hip joint (x forwards, towards the face; y down) to units.
    facing=-1: the person looks to the left of the picture (we see their LEFT side)."""
    def __init__(self, s, ox, oy, facing=-1):
        self.s, self.ox, self.oy, self.f = s, ox, oy, facing
    def __call__(self, g):
        return affinity.affine_transform(g, [self.f * self.s, 0, 0, self.s, self.ox, self.oy])
    def pt(self, x, y):
        return (self.ox + self.f * x * self.s, self.oy + y * self.s)
    def u(self, v):
        return v * self.s

def partial_limb(pts, w, start):
    """The part of a limb from `start` (0..1 along its first segment) on: where a gap is cut."""
    (x0, y0), (x1, y1) = pts[0], pts[1]
    return limb([(x0 + (x1 - x0) * start, y0 + (y1 - y0) * start)] + list(pts[1:]), w)

def seated(arm, gap=3):
    """A seated adult (165 cm) in cm around the hip joint, forwards = +x.
    arm: 'lap' (hands on the thighs) or 'table' (forearm on a 72 cm table). Returns body, head, arm."""
    torso = rrect(-16.5, -56, 13, 6, 10)
    body = unary_union([torso, limb([(0, 0), (52, 0)], 17), limb([(51, 2), (49, 47)], 13),
                        limb([(50, 50.5), (68, 50.5)], 9)])
    head = unary_union([disc(3, -72, 11.5), disc(14.5, -70.5, 2.8)])
    shoulder = (0, -45)
    if arm == 'lap':
        elbow, hand = (5, -16), (37, -13.5)
    else:
        elbow, hand = (22, -24.5), (62, -24.5)
    pts = [shoulder, elbow, hand]
    arm_g = unary_union([limb(pts[:2], 12.5), limb(pts[1:], 11)])
    body = body.difference(partial_limb(pts, 12.5 + 2 * gap, .3))
    return body, head, arm_g, pts

def chair(a, F, top=-52):
    """Seat 45 cm high, 8 cm under the hip joint; the backrest just behind the back."""
    sy = F.pt(0, 8)[1] + 3
    xf, xb = F.pt(38, 0)[0], F.pt(-18.5, 0)[0]
    a.path(f'M{fmt(xf)} {fmt(sy)}H{fmt(xb)}V{fmt(F.pt(0, top)[1])}')
    a.path(f'M{fmt(xf + 5 * F.f * -1)} {fmt(sy)}V{FLOOR}M{fmt(xb + 5 * F.f)} {fmt(sy)}V{FLOOR}')

def heart_shape(x, y, size):
    h = unary_union([disc(-3, -2, 3.2), disc(3, -2, 3.2), Polygon([(-6, -1.2), (0, 6), (6, -1.2), (0, -3)])])
    return affinity.translate(affinity.scale(h, size / 12, size / 12, origin=(0, 0)), x, y)

a = ill('step-sit')   # 请坐好休息: seated, back against the backrest, feet flat on the floor; a clock: rest a while
F = Frame(1.15, 172, 106)
a.path(f'M10 {FLOOR}H230')
chair(a, F)
body, head, arm, _ = seated('lap')
a.solid(F(body)); a.solid(F(head)); a.solid(F(arm))
a.raw('<circle cx="62" cy="62" r="32"/>')
a.path('M62 42v20l13 9')

a = ill('step-cuff')  # 绑好袖带: the cuff on the LEFT upper arm, level with the heart, tube to the monitor
F = Frame(1.7, 194, 152)
xb = F.pt(-19.5, 0)[0]
a.path(f'M{fmt(xb)} {fmt(F.pt(0, -50)[1])}V180')
ty = F.pt(0, -17)[1]
a.path(f'M4 {fmt(ty)}H{fmt(F.pt(38, 0)[0])}')
body, head, arm, (sh, el, hd) = seated('table')
mx, my = sh[0] + (el[0] - sh[0]) * .55, sh[1] + (el[1] - sh[1]) * .55
ang = math.degrees(math.atan2(el[1] - sh[1], el[0] - sh[0]))
cuff = affinity.rotate(rrect(mx - 8, my - 9, mx + 8, my + 9, 2), ang, origin=(mx, my))
heart = heart_shape(-6.5, my, 11)
a.solid(F(body.difference(heart).difference(cuff.buffer(2)))); a.solid(F(head))
a.solid(F(arm.difference(cuff.buffer(2))))
a.solid(F(cuff))
tx, ty2 = F.pt(mx + 6, my + 7)
a.path(f'M{fmt(tx)} {fmt(ty2)}C130 118 110 84 84 92')
top = ty - 3 - 46
a.path(f'M14 {fmt(top + 4)}a4 4 0 0 1 4-4h62a4 4 0 0 1 4 4V{fmt(ty - 3)}H14z')
a.path(f'M25 {fmt(top + 11)}h44v14H25z')
a.raw(f'<circle cx="61" cy="{fmt(top + 36)}" r="5" fill="currentColor" stroke="none"/>')

def standing(gap=3.5):
    """A standing adult (165 cm), in cm: x forwards from the back of the heels, y up from the floor (negative).
    Drawn a little stout so that the side view does not become a thin stick."""
    torso = rrect(-8, -142, 21, -84, 9)
    body = unary_union([torso, limb([(6.5, -88), (6.5, -9)], 19), limb([(3, -4.5), (25, -4.5)], 9)])
    head = unary_union([disc(8, -153, 11.5), disc(19.5, -151.5, 2.8)])
    pts = [(7, -133), (8, -106), (10, -82)]
    arm = unary_union([limb(pts[:2], 14), limb(pts[1:], 12.5)])
    body = body.difference(partial_limb(pts, 14 + 2 * gap, .3))
    return body, head, arm

a = ill('step-stand-on-scale')  # 站上身高体重秤: shoes off beside the scale, back to the rod, eyes level ahead
F = Frame(.9, 168, 160, facing=-1)          # origin: back of the heels on the platform
body, head, arm = standing()
a.path(f'M8 {FLOOR}H232')
px0, px1 = F.pt(-17, 0)[0], F.pt(42, 0)[0]                       # platform, 10 cm high
a.path(f'M{fmt(px1)} {FLOOR - 3}V163a3 3 0 0 1 3-3H{fmt(px0 - 3)}a3 3 0 0 1 3 3V{FLOOR - 3}')
rx = F.pt(-12, 0)[0]
a.path(f'M{fmt(rx)} 160V6')                                        # the rod, just behind the back
hy = F.pt(0, -164.5)[1] - 3
a.path(f'M{fmt(rx)} {fmt(hy)}H{fmt(F.pt(22, 0)[0])}')              # the head bar, touching the head
a.solid(F(body)); a.solid(F(head)); a.solid(F(arm))
ex, ey = F.pt(26, -154.5)
a.path(f'M{fmt(ex)} {fmt(ey)}H{fmt(ex - 44)}', stroke_dasharray='8 9')
# the shoes, left on the floor in front of the scale
for x0 in (24, 66):
    a.path(f'M{x0} {FLOOR - 3}h34c0-8-8-11-14-12l-7-9H{x0 + 3}c-3 0-3 3-3 5z')

a = ill('step-place-thermometer')   # 测量体温: the thermometer aimed at the middle of the forehead, 1-2 cm away
F = Frame(3.2, 172, 96, facing=-1)   # origin: centre of the head
hd = unary_union([disc(0, 0, 12), disc(11.3, 3.5, 3), limb([(0, 8), (-1, 22)], 10)])
hd = hd.difference(disc(8, -.5, 1.1))       # the eye: the forehead is above it
sh = rrect(-15, 19, 16, 40, 8)
a.solid(F(hd.union(sh).difference(limb([(-15, 18.5), (16, 18.5)], 1))))
fx, fy = F.pt(11.6, -6)                      # the middle of the forehead
gx = fx - 18                                 # the thermometer's window, a little in front of it
a.path(f'M{fmt(gx - 10)} {fmt(fy - 13)}H{fmt(gx - 84)}a9 9 0 0 0-9 9v16a9 9 0 0 0 9 9H{fmt(gx - 10)}z')
a.path(f'M{fmt(gx - 10)} {fmt(fy - 8)}L{fmt(gx)} {fmt(fy - 5)}V{fmt(fy + 5)}L{fmt(gx - 10)} {fmt(fy + 8)}')
a.path(f'M{fmt(gx - 50)} {fmt(fy + 13)}l-9 44a4 4 0 0 0 4 5h12a4 4 0 0 0 4-3l8-46')
a.path(f'M{fmt(gx + 7)} {fmt(fy - 6)}a8 8 0 0 1 0 12')

def rot_rect(cx, cy, w, h, r, ang):
    return affinity.rotate(rrect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, r), ang, origin=(cx, cy))

a = ill('step-glucose-timing')   # 您上一次吃东西是什么时候: a bowl of rice with chopsticks, and a clock
a.path('M14 104h112c0 26-22 44-56 44S14 130 14 104z')
a.path('M52 158h36')
rice = Point(70, 104).buffer(46, quad_segs=16).intersection(box(0, 0, 240, 98)).intersection(Point(70, 150).buffer(90))
chop = [((40, 82), (146, 40)), ((52, 90), (150, 54))]
for p, q in chop:
    rice = rice.difference(LineString([p, q]).buffer(3 + 4))
a.solid(rice)
for p, q in chop:
    a.path(f'M{p[0]} {p[1]}L{q[0]} {q[1]}')
a.raw('<circle cx="182" cy="106" r="44"/>')
a.path('M182 76v30l20 12')
a.raw('<circle cx="182" cy="106" r="5" fill="currentColor" stroke="none"/>')

a = ill('step-prepare-strip')    # 准备采血: strip into the meter; a drop of fingertip blood touches the strip's end
a.path('M18 120a10 10 0 0 1 10-10h84a10 10 0 0 1 10 10v42a10 10 0 0 1-10 10H28a10 10 0 0 1-10-10z')
a.path('M32 124h52v34H32z')
a.raw('<circle cx="102" cy="141" r="7" fill="currentColor" stroke="none"/>')
a.path('M122 132H164V150H122')                              # the strip, pushed into the meter
a.path('M154 104H118M128 94l-10 10 10 10')                   # push it in
# the back of a right hand pointing down; the drop of blood on the fingertip touches the strip's end
back = rrect(176, 14, 226, 70, 14)
wrist = limb([(204, 20), (206, -20)], 34)
index = limb([(186, 62), (186, 114)], 18)
curled = unary_union([disc(203, 70, 8.5), disc(219, 66, 8)])
thumb = limb([(180, 34), (164, 56)], 15)
hand = unary_union([back, wrist, index, curled, thumb])
for g in (curled, thumb):
    hand = hand.difference(g.buffer(3).difference(back.buffer(-9))).union(g)
hand = hand.difference(LineString([(211, 62), (211, 80)]).buffer(1.6))
hand = hand.difference(thumb.buffer(3).intersection(back).difference(back.buffer(-6))).union(thumb)
nail = rrect(180.5, 97, 191.5, 110, 4)
drop = Point(177, 137).buffer(10, quad_segs=12).union(Polygon([(170, 129), (188, 121), (186, 139)]))
a.solid(hand.difference(nail).difference(drop.buffer(3)))
a.solid(drop)

a = ill('step-clip-finger')      # 夹好手指: the right hand flat, nails up; the oximeter on the index finger
base = {'index': (95, 104), 'middle': (116, 100), 'ring': (137, 102), 'little': (157, 110)}
tips = {'index': (64, 52), 'middle': (114, 26), 'ring': (146, 34), 'little': (178, 66)}
palm = Polygon([(92, 104), (158, 104), (150, 200), (100, 200)]).buffer(9, quad_segs=8)
fingers = {k: limb([base[k], tips[k]], 19) for k in base}
thumb = limb([(92, 156), (52, 122)], 22)
hand = unary_union([palm, thumb] + list(fingers.values()))
def unit(k):
    (x0, y0), (x1, y1) = base[k], tips[k]
    L = math.hypot(x1 - x0, y1 - y0)
    return (x1 - x0) / L, (y1 - y0) / L
def seam(k1, k2):
    (ax, ay), (bx, by) = tips[k1], tips[k2]
    (cx, cy), (dx, dy) = base[k1], base[k2]
    return LineString([((cx + dx) / 2, (cy + dy) / 2 + 2), ((ax + bx) / 2, (ay + by) / 2)]).buffer(1.5)
# a narrow gap between neighbouring fingers
hand = hand.difference(seam('index', 'middle')).difference(seam('middle', 'ring')).difference(seam('ring', 'little'))
nails = []
for k in ('middle', 'ring', 'little'):
    ux, uy = unit(k)
    x1, y1 = tips[k]
    nails.append(rot_rect(x1 - ux * 7, y1 - uy * 7, 8, 11, 3.5, math.degrees(math.atan2(uy, ux)) + 90))
ux, uy = unit('index')
ang = math.degrees(math.atan2(uy, ux)) + 90
x1, y1 = tips['index']
cx, cy = x1 - ux * 12, y1 - uy * 12
clip = rot_rect(cx, cy, 36, 58, 9, ang)
a.solid(hand.difference(unary_union(nails)).difference(clip.buffer(3 + 3)))
a.path(geom_d(clip))
a.solid(rot_rect(cx + ux * 3, cy + uy * 3, 16, 24, 2, ang))
tx, ty = cx + ux * 29, cy + uy * 29
a.path(f'M{fmt(tx)} {fmt(ty)}C{fmt(tx + ux * 24)} {fmt(ty + uy * 24)} 20 30 6 4')

a = ill('step-measuring')        # 正在测量: keep still; the measurement is running
a.raw('<circle cx="120" cy="90" r="80" stroke-dasharray="1 15"/>')
a.path('M120 10a80 80 0 0 1 80 80')
a.solid(unary_union([disc(120, 62, 26), rrect(78, 98, 162, 156, 28).intersection(box(0, 0, 240, 148))]))

a = ill('welcome-insert-card')   # 请插入社保卡或医保卡: the card, chip up and chip end first, into the reader's slot
a.path('M58 108V20a10 10 0 0 1 10-10h104a10 10 0 0 1 10 10v88')          # the card (its near end goes in)
chip = rrect(80, 66, 120, 98, 7)
for g in (LineString([(80, 82), (120, 82)]), LineString([(100, 66), (100, 98)])):
    chip = chip.difference(g.buffer(2))
a.solid(chip)                                                         # the chip, facing up
a.path('M140 30h24M140 46h24')
a.fillpath('M30 120h180a10 10 0 0 1 0 20H30a10 10 0 0 1 0-20z')          # the slot
a.path('M208 16v66M193 68l15 15 15-15')                               # push it in

if __name__ == '__main__':
    for a in ARTS:
        a.save()
    print(len(ARTS), 'files written to', OUT)
