"""Editorial illustrations for the demo, drawn with Pillow at load time.

The demo ships no photographs: every picture is generated here, so the package
stays small and nothing is downloaded or borrowed. Each drawing is seeded by a
key (a story's slug, an author's name), so the same demo always gets the same
pictures. Each section has its own palette, so a front page reads as one paper.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]

LEAD_SIZE = (1600, 900)
PORTRAIT_SIZE = (600, 600)


def _hex(value: str) -> Colour:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


# Per section: sky/background pairs, then accents from dark to light.
PALETTES: dict[str, dict[str, list[Colour]]] = {
    "city": {
        "skies": [
            [_hex("1d2b53"), _hex("f4a259")],
            [_hex("2e1f47"), _hex("ee6c4d")],
            [_hex("10263f"), _hex("7fb7be")],
        ],
        "accents": [_hex(c) for c in ("0b132b", "1c2541", "3a506b", "5bc0be", "f4d35e", "ee964b")],
    },
    "world": {
        "skies": [
            [_hex("0f3057"), _hex("00587a")],
            [_hex("2d3047"), _hex("419d78")],
            [_hex("3c1642"), _hex("086375")],
        ],
        "accents": [_hex(c) for c in ("1b1b3a", "693668", "a74482", "f84aa7", "ffcf56", "e7ecef")],
    },
    "climate": {
        "skies": [
            [_hex("023047"), _hex("8ecae6")],
            [_hex("264653"), _hex("e9c46a")],
            [_hex("1b3a4b"), _hex("f4a261")],
        ],
        "accents": [_hex(c) for c in ("03071e", "264653", "2a9d8f", "e9c46a", "f4a261", "e76f51")],
    },
}
WARMING = [_hex(c) for c in ("08306b", "2171b5", "6baed6", "c6dbef", "fcbba1", "fb6a4a", "cb181d")]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def _shade(colour: Colour, factor: float) -> Colour:
    return (
        _mix(colour, (0, 0, 0), 1 - factor) if factor < 1 else _mix(colour, (255,) * 3, factor - 1)
    )


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    """A vertical gradient, built from Pillow's 256-step ramp (fast at any size)."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


@cache
def font(size: int, serif: bool = True) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """A bold face if the system has one, else Pillow's built-in font at that size."""
    names = ["DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf"] if serif else []
    names += ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"]
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _glow(img: Image.Image, centre: tuple[int, int], radius: int, colour: Colour) -> None:
    """A soft sun or lamp: a few translucent discs, largest first."""
    draw = ImageDraw.Draw(img, "RGBA")
    x, y = centre
    for step, alpha in ((2.6, 30), (1.9, 45), (1.4, 70), (1.0, 255)):
        r = int(radius * step)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, alpha))


def _ridge(rng: random.Random, width: int, base: int, rough: int, step: int) -> list:
    """A random-walk horizon line, closed along the bottom edge."""
    points = [(0, base)]
    y = base
    for x in range(0, width + step, step):
        y = max(base - rough * 3, min(base + rough, y + rng.randint(-rough, rough)))
        points.append((x, y))
    return points + [(width, 10_000), (0, 10_000)]


def skyline(rng: random.Random, pal: dict, img: Image.Image) -> None:
    """A harbour city at dusk: layered blocks, lit windows, a still-water reflection."""
    w, h = img.size
    water = int(h * rng.uniform(0.68, 0.76))
    _glow(img, (rng.randint(w // 5, w * 4 // 5), int(h * rng.uniform(0.25, 0.45))), 70, pal["sun"])
    draw = ImageDraw.Draw(img, "RGBA")
    layers = [(0.55, 0.45), (0.35, 0.3), (0.18, 0.2)]
    for depth, (shade, height) in enumerate(layers):
        colour = _shade(pal["accents"][1], shade + 0.35)
        x = rng.randint(-60, 0)
        while x < w:
            bw = rng.randint(50, 150)
            bh = int(water * rng.uniform(height * 0.6, height * 1.6))
            draw.rectangle((x, water - bh, x + bw, water), fill=(*colour, 255))
            if rng.random() < 0.25:
                draw.polygon(
                    [(x, water - bh), (x + bw // 2, water - bh - bw // 2), (x + bw, water - bh)],
                    fill=(*colour, 255),
                )
            if depth == 2:
                for wy in range(water - bh + 14, water - 10, 22):
                    for wx in range(x + 10, x + bw - 14, 20):
                        if rng.random() < 0.35:
                            draw.rectangle((wx, wy, wx + 8, wy + 11), fill=(*pal["lamp"], 230))
            x += bw + rng.randint(-10, 25)
    # A still-water reflection: flipped, squashed, softened by a down-and-up resize.
    reflection = img.crop((0, 0, w, water)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    reflection = reflection.resize((w // 6, (h - water) // 6)).resize((w, h - water))
    img.paste(reflection, (0, water))
    draw = ImageDraw.Draw(img, "RGBA")
    draw.rectangle((0, water, w, h), fill=(*pal["accents"][0], 120))
    for y in range(water + 6, h, 9):
        x0 = rng.randint(0, w)
        draw.line((x0, y, x0 + rng.randint(60, 260), y), fill=(*pal["lamp"], 90), width=2)


def waves(rng: random.Random, pal: dict, img: Image.Image) -> None:
    """Layered swells rising up the frame: tides, floods, the sea."""
    w, h = img.size
    _glow(img, (rng.randint(w // 6, w * 5 // 6), int(h * 0.28)), 60, pal["sun"])
    draw = ImageDraw.Draw(img, "RGBA")
    bands = rng.randint(5, 7)
    for i in range(bands):
        base = int(h * (0.42 + i * 0.58 / bands))
        amp, period, phase = rng.randint(10, 35), rng.uniform(180, 420), rng.uniform(0, 6.3)
        pts = [(x, base + amp * math.sin(x / period * 6.283 + phase)) for x in range(0, w + 20, 20)]
        colour = _mix(pal["accents"][2], pal["accents"][0], i / bands)
        draw.polygon(pts + [(w, h), (0, h)], fill=(*colour, 235))
        draw.line(pts, fill=(*_shade(colour, 1.35), 160), width=3)


def chart(rng: random.Random, pal: dict, img: Image.Image) -> None:
    """A stylised chart: bars, a trend line and a circled data point."""
    w, h = img.size
    img.paste(_mix(pal["paper"], pal["accents"][0], 0.06), (0, 0, w, h))
    draw = ImageDraw.Draw(img, "RGBA")
    left, right, top, bottom = 140, w - 120, 130, h - 120
    for y in range(top, bottom + 1, (bottom - top) // 6):
        draw.line((left, y, right, y), fill=(*pal["accents"][0], 40), width=2)
    bars = rng.randint(14, 22)
    slot = (right - left) / bars
    value = rng.uniform(0.15, 0.3)
    points = []
    for i in range(bars):
        value = max(0.08, min(0.95, value + rng.uniform(-0.06, 0.11)))
        top_y = bottom - value * (bottom - top)
        x0 = left + i * slot + slot * 0.18
        colour = pal["accents"][2] if i < bars - 3 else pal["hot"]
        draw.rectangle((x0, top_y, x0 + slot * 0.64, bottom), fill=(*colour, 255))
        points.append((x0 + slot * 0.32, top_y - 28))
    draw.line(points, fill=(*pal["accents"][0], 255), width=6, joint="curve")
    for x, y in points[-1:]:
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=(*pal["accents"][0], 255))
        draw.ellipse((x - 48, y - 48, x + 48, y + 48), outline=(*pal["hot"], 255), width=5)
    draw.line((left, bottom, right, bottom), fill=(*pal["accents"][0], 255), width=4)


def _blob(rng: random.Random, cx: float, cy: float, radius: float, scale: float = 1.0) -> list:
    rng2 = random.Random(int(cx * 7 + cy * 13 + radius))
    harmonics = [
        (rng2.uniform(0.05, 0.22), rng2.randint(2, 6), rng2.uniform(0, 6.3)) for _ in range(3)
    ]
    pts = []
    for k in range(72):
        a = k / 72 * 6.283
        r = radius * scale * (1 + sum(amp * math.sin(n * a + ph) for amp, n, ph in harmonics))
        pts.append((cx + r * math.cos(a) * 1.3, cy + r * math.sin(a)))
    return pts


def atlas(rng: random.Random, pal: dict, img: Image.Image) -> None:
    """An imaginary map: coastlines with contour rings, a graticule, a dashed route."""
    w, h = img.size
    draw = ImageDraw.Draw(img, "RGBA")
    for x in range(0, w, 100):
        draw.line((x, 0, x, h), fill=(*pal["accents"][5], 28), width=1)
    for y in range(0, h, 100):
        draw.line((0, y, w, y), fill=(*pal["accents"][5], 28), width=1)
    land = []
    for _ in range(rng.randint(2, 4)):
        cx, cy, r = rng.randint(150, w - 150), rng.randint(150, h - 150), rng.randint(140, 300)
        land.append((cx, cy))
        for ring, scale in enumerate((1.0, 0.78, 0.56, 0.34)):
            colour = _mix(pal["accents"][1], pal["accents"][4], ring / 4)
            draw.polygon(_blob(rng, cx, cy, r, scale), fill=(*colour, 255))
    a, b = land[0], land[-1] if len(land) > 1 else (w - 200, 200)
    steps = 40
    for i in range(0, steps, 2):
        t0, t1 = i / steps, (i + 1) / steps
        bend = -160
        p0 = (a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0 + bend * math.sin(math.pi * t0))
        p1 = (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1 + bend * math.sin(math.pi * t1))
        draw.line((p0, p1), fill=(*pal["accents"][5], 255), width=5)
    for x, y in (a, b):
        draw.ellipse(
            (x - 16, y - 16, x + 16, y + 16),
            fill=(*pal["accents"][3], 255),
            outline=(*pal["accents"][5], 255),
            width=5,
        )


def ridges(rng: random.Random, pal: dict, img: Image.Image) -> None:
    """Mountain ranges fading into haze, snow on the nearest peaks."""
    w, h = img.size
    _glow(img, (rng.randint(w // 5, w * 4 // 5), int(h * 0.3)), 55, pal["sun"])
    draw = ImageDraw.Draw(img, "RGBA")
    for i in range(5):
        base = int(h * (0.38 + i * 0.12))
        colour = _mix(_shade(pal["accents"][2], 1.3), pal["accents"][0], i / 4)
        pts = _ridge(rng, w, base, 18 + i * 4, 40)
        draw.polygon(pts, fill=(*colour, 255))
        if i == 1:
            for x, y in pts[1:-2]:
                if y < base - 30:
                    draw.polygon(
                        [(x - 30, y + 26), (x, y), (x + 30, y + 26)], fill=(245, 248, 250, 220)
                    )


def stripes(rng: random.Random, pal: dict, img: Image.Image) -> None:
    """Warming stripes: one band per year, cold blues to hot reds, with a few outliers."""
    w, h = img.size
    draw = ImageDraw.Draw(img)
    years = 80
    band = w / years
    for i in range(years):
        t = max(0.0, min(1.0, i / years + rng.uniform(-0.18, 0.18)))
        k = t * (len(WARMING) - 1)
        colour = _mix(WARMING[int(k)], WARMING[min(int(k) + 1, len(WARMING) - 1)], k - int(k))
        draw.rectangle((i * band, 0, (i + 1) * band + 1, h), fill=colour)


MOTIFS: dict[str, Callable[[random.Random, dict, Image.Image], None]] = {
    "skyline": skyline,
    "waves": waves,
    "chart": chart,
    "atlas": atlas,
    "ridges": ridges,
    "stripes": stripes,
}


def _palette(section: str, rng: random.Random) -> dict:
    base = PALETTES.get(section, PALETTES["city"])
    sky = rng.choice(base["skies"])
    accents = base["accents"]
    return {
        "sky": sky,
        "accents": accents,
        "sun": _mix(accents[4], (255, 255, 255), 0.25),
        "lamp": accents[4],
        "paper": (247, 244, 238),
        "hot": accents[3] if section == "world" else accents[5],
    }


def illustration(
    key: str, section: str, motif: str, size: tuple[int, int] = LEAD_SIZE
) -> Image.Image:
    """Draw one illustration; the same key, section and motif always give the same picture."""
    rng = random.Random(f"{section}:{motif}:{key}")
    pal = _palette(section, rng)
    img = _gradient(size, *pal["sky"])
    MOTIFS[motif](rng, pal, img)
    return img


def titled(img: Image.Image, title: str, kicker: str, accent: Colour | None = None) -> Image.Image:
    """Lay a title band across the lower third (series art, video posters)."""
    w, h = img.size
    draw = ImageDraw.Draw(img, "RGBA")
    draw.rectangle((0, h - h // 3, w, h), fill=(10, 12, 20, 170))
    pad = w // 20
    accent = accent or (244, 211, 94)
    draw.rectangle((pad, h - h // 3 + pad // 2, pad + w // 160, h - pad // 2), fill=(*accent, 255))
    draw.text(
        (pad * 1.6, h - h // 3 + pad // 2),
        kicker.upper(),
        font=font(h // 28, serif=False),
        fill=(255, 255, 255, 220),
    )
    draw.text(
        (pad * 1.6, h - h // 3 + pad // 2 + h // 18),
        title,
        font=font(h // 12),
        fill=(255, 255, 255, 255),
    )
    return img


def portrait(name: str, section: str) -> Image.Image:
    """An abstract avatar: overlapping discs behind the author's initials."""
    rng = random.Random(f"portrait:{name}")
    pal = _palette(section, rng)
    size = PORTRAIT_SIZE
    img = _gradient(size, pal["accents"][1], pal["accents"][2])
    draw = ImageDraw.Draw(img, "RGBA")
    for _ in range(5):
        r = rng.randint(80, 260)
        x, y = rng.randint(0, size[0]), rng.randint(0, size[1])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*rng.choice(pal["accents"][2:]), 70))
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text(
        (size[0] / 2, size[1] / 2), initials, font=font(210), anchor="mm", fill=(255, 255, 255, 240)
    )
    return img


def to_jpeg(img: Image.Image, quality: int = 84) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, progressive=True)
    return out.getvalue()
