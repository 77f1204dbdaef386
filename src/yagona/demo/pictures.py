"""Small drawings that stand in for the photos of the demo's problem reports (Pillow): a
heap of rubbish, a fallen wire, a cracked wall, a leaking school roof, a dark traffic
light, a building site. Each is a JPEG of a few kilobytes with the EXIF a phone would
write (its make and the GPS position of the place), which the appeals room strips."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

SIZE = (480, 360)
HORIZON = 200


def picture(subject: str, seed: int, place: tuple[float, float] | None = None
            ) -> SimpleUploadedFile:
    rng = random.Random(f"{subject}-{seed}")  # noqa: S311 - a drawing, not a secret
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _sky_and_ground(draw, rng)
    DRAWINGS.get(subject, _rubbish)(draw, rng)
    for _ in range(400):  # a little grain, as a phone's camera in poor light
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        shade = rng.randint(-25, 25)
        r, g, b = image.getpixel((x, y))
        draw.point((x, y), fill=(max(0, r + shade), max(0, g + shade), max(0, b + shade)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=_exif(place).tobytes())
    return SimpleUploadedFile(f"IMG_{2000 + seed:04d}.jpg", out.getvalue(),
                              content_type="image/jpeg")


def _exif(place) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"  # Make
    exif[0x0110] = "Camera 12"  # Model
    if place is not None:
        latitude, longitude = place
        exif[0x8825] = {1: "N", 2: _degrees(latitude), 3: "E", 4: _degrees(longitude)}
    return exif


def _degrees(value: float) -> tuple[float, float, float]:
    whole, minutes = int(value), (value - int(value)) * 60
    return (float(whole), float(int(minutes)), round((minutes - int(minutes)) * 60, 2))


def _sky_and_ground(draw, rng) -> None:
    for y in range(HORIZON):
        blue = 235 - y // 3
        draw.line([(0, y), (SIZE[0], y)], fill=(150 - y // 4, 190 - y // 5, blue))
    draw.rectangle([0, HORIZON, SIZE[0], SIZE[1]], fill=(120 + rng.randint(0, 20), 110, 90))
    for _ in range(30):  # stones and ruts
        x, y = rng.randrange(SIZE[0]), rng.randrange(HORIZON, SIZE[1])
        draw.ellipse([x, y, x + rng.randint(4, 18), y + rng.randint(2, 8)],
                     fill=(95, 88, 75))


def _rubbish(draw, rng) -> None:
    for _ in range(60):
        x, y = rng.randint(60, 400), rng.randint(HORIZON + 10, 330)
        colour = rng.choice([(40, 40, 40), (200, 200, 210), (30, 90, 160), (150, 60, 40),
                             (220, 210, 120), (70, 120, 60)])
        w, h = rng.randint(12, 50), rng.randint(10, 35)
        if rng.random() < 0.5:
            draw.ellipse([x, y, x + w, y + h], fill=colour)
        else:
            draw.polygon([(x, y + h), (x + w // 2, y), (x + w, y + h)], fill=colour)


def _wire(draw, rng) -> None:
    draw.rectangle([90, 40, 104, 300], fill=(110, 100, 90))  # the pole
    draw.line([(60, 60), (140, 60)], fill=(80, 70, 60), width=6)
    draw.line([(140, 60), (320, 140), (360, 290)], fill=(20, 20, 20), width=3)  # fallen
    draw.line([(60, 60), (0, 75)], fill=(20, 20, 20), width=3)
    draw.rectangle([300, 250, 420, 320], outline=(200, 40, 40), width=4)  # a playground


def _wall(draw, rng) -> None:
    draw.rectangle([40, 30, 440, 330], fill=(190, 170, 140))
    for row in range(30, 330, 20):  # bricks
        draw.line([(40, row), (440, row)], fill=(160, 140, 115))
    x, y = 250, 40
    while y < 320:  # the crack
        nx, ny = x + rng.randint(-25, 25), y + rng.randint(15, 35)
        draw.line([(x, y), (nx, ny)], fill=(40, 30, 25), width=4)
        x, y = nx, ny
    for _ in range(8):  # fallen bricks on the pavement
        bx = rng.randint(60, 420)
        draw.rectangle([bx, 320, bx + 22, 332], fill=(170, 80, 60))


def _roof(draw, rng) -> None:
    draw.rectangle([0, 0, SIZE[0], 250], fill=(225, 225, 215))  # a classroom wall
    draw.polygon([(0, 0), (SIZE[0], 0), (SIZE[0], 40), (0, 40)], fill=(200, 195, 180))
    for _ in range(6):  # stains where the roof leaks
        x = rng.randint(20, 420)
        draw.ellipse([x, 5, x + rng.randint(40, 90), 40 + rng.randint(20, 80)],
                     fill=(170, 160, 130))
    draw.rectangle([0, 250, SIZE[0], SIZE[1]], fill=(150, 110, 70))  # the floor
    draw.ellipse([150, 280, 360, 340], fill=(120, 140, 160))  # a puddle
    for x in range(60, 420, 90):  # desks
        draw.rectangle([x, 210, x + 60, 230], fill=(120, 80, 40))


def _traffic_light(draw, rng) -> None:
    draw.rectangle([0, HORIZON + 40, SIZE[0], HORIZON + 120], fill=(70, 70, 72))  # road
    for x in range(0, SIZE[0], 60):
        draw.rectangle([x, HORIZON + 78, x + 30, HORIZON + 82], fill=(230, 230, 230))
    draw.rectangle([230, 60, 240, 260], fill=(60, 60, 60))
    draw.rectangle([215, 30, 255, 130], fill=(25, 25, 25))
    for y in (40, 70, 100):  # all three dark
        draw.ellipse([224, y, 246, y + 22], fill=(55, 55, 50))


def _site(draw, rng) -> None:
    draw.rectangle([120, 90, 380, 300], fill=(160, 160, 160))  # concrete frame
    for y in range(90, 300, 42):
        draw.line([(120, y), (380, y)], fill=(110, 110, 110), width=5)
    for x in (120, 205, 290, 380):
        draw.line([(x, 90), (x, 300)], fill=(110, 110, 110), width=6)
    draw.line([(60, 20), (60, 300)], fill=(220, 170, 30), width=6)  # a crane
    draw.line([(30, 25), (300, 25)], fill=(220, 170, 30), width=5)


DRAWINGS = {"dump": _rubbish, "wire": _wire, "wall": _wall, "roof": _roof,
            "traffic_light": _traffic_light, "site": _site}
