#!/usr/bin/env python3
"""Remakes the fallback fonts: Noto Serif CJK SC and Noto Sans CJK SC,
subset to the characters the bundled Fandol faces lack.

Fandol covers GB2312 (6,763 Han) and a little more; place names, people's
names and law titles reach beyond it (硚, 埇, 浉, 堃, 喆 …). Every face's
chain ends in one of these fonts, used character by character only where
the earlier fonts have no glyph.

    apt install fonts-noto-cjk     # Debian 12: 1:20220127+repack1-1
    pip install fonttools          # pyftsubset
    python3 fonts/fallback/make.py [NOTO_DIR]

Writes NotoSerifCJKsc-Fallback.otf and NotoSansCJKsc-Fallback.otf beside
this script, and prints the upstream versions and the counts.
"""
import os
import subprocess
import sys

from fontTools.ttLib import TTCollection, TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
FONTS = os.path.dirname(HERE)
NOTO = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto"
# Index of the Simplified Chinese font in Noto's collections (JP, KR, SC, TC, HK).
SC = 2
FANDOL = ["FandolSong-Bold.otf", "FandolHei-Regular.otf", "FandolKai-Regular.otf",
          "FandolFang-Regular.otf", "FandolSong-Regular.otf"]
# What the fallback should cover: CJK Unified Ideographs and Extension A
# (the Han of GB 18030's mandatory repertoire), the compatibility
# ideographs, CJK punctuation and full-width forms.
RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def cmap(font):
    return set(font.getBestCmap())


def main():
    every_fandol = None
    for name in FANDOL:
        have = cmap(TTFont(os.path.join(FONTS, name)))
        every_fandol = have if every_fandol is None else every_fandol & have
    wanted = {c for lo, hi in RANGES for c in range(lo, hi + 1)} - every_fandol
    for source, out in [("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Fallback.otf"),
                        ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Fallback.otf")]:
        path = os.path.join(NOTO, source)
        font = TTCollection(path, lazy=True).fonts[SC]
        version = font["name"].getDebugName(5)
        has = cmap(font) & wanted
        unicodes = ",".join(f"U+{c:04X}" for c in sorted(has))
        listing = os.path.join(HERE, out + ".unicodes")
        with open(listing, "w") as f:
            f.write(unicodes)
        subprocess.run(
            ["pyftsubset", path, f"--font-number={SC}", f"--unicodes-file={listing}",
             f"--output-file={os.path.join(HERE, out)}", "--layout-features=", "--no-hinting",
             "--name-IDs=*", "--name-languages=*", "--notdef-outline"],
            check=True,
        )
        os.remove(listing)
        size = os.path.getsize(os.path.join(HERE, out))
        print(f"{out}: from {source} [{SC}] {version}; {len(has)} of {len(wanted)} wanted code points; {size} bytes")


main()
