#!/usr/bin/env python3
"""Formats the Rust templates of user-owned files (templates/*/src, tests, common/lib.rs) the
way rustfmt's defaults format the files they render to, so a new project passes
`cargo fmt --check` as written. Placeholders are swapped for identifiers while rustfmt runs.

    python3 scripts/fmt-templates.py          # rewrite the templates
    python3 scripts/fmt-templates.py --check  # exit 1 if one would change
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# `{{ x }}` alone on a line stands for generated items; elsewhere for a name or text.
BLOCK = re.compile(r"^([ \t]*)(\{\{[^}]*\}\}|\{%-?[^%]*-?%\})[ \t]*$", re.M)
INLINE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def rustfmt(text: str) -> str:
    out = subprocess.run(
        ["rustfmt", "--edition", "2024", "--emit", "stdout", "--config", "max_width=100"],
        input=text, capture_output=True, text=True, check=True,
    ).stdout
    return out


def format_template(text: str) -> str:
    blocks = []

    def hide_block(m):
        blocks.append(m.group(2))
        return f"{m.group(1)}// ZZTPL_BLOCK_{len(blocks) - 1}"

    text = BLOCK.sub(hide_block, text)
    text = INLINE.sub(lambda m: f"ZZTPL_{m.group(1)}", text)
    text = rustfmt(text)
    text = re.sub(r"ZZTPL_(\w+?)\b", lambda m: "{{ " + m.group(1) + " }}" if not m.group(1).startswith("BLOCK") else m.group(0), text)
    text = re.sub(r"^[ \t]*// ZZTPL_BLOCK_(\d+)$", lambda m: blocks[int(m.group(1))], text, flags=re.M)
    return text


def main() -> int:
    check = "--check" in sys.argv
    files = sorted(p for p in TEMPLATES.glob("*/**/*.rs") if "runtime" not in p.parts)
    stale = []
    for path in files:
        old = path.read_text()
        new = format_template(old)
        if new != old:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new)
    for p in stale:
        print(f"{'would reformat' if check else 'reformatted'} {p}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
