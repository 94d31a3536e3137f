"""Generate a large world for load tests, streaming persons to the file (no list in memory).

`python -m simulators.worlds.generate --people 1000000 --seed 7 --out /tmp/world.json`
writes the default world's region, keys, institutions, catalogue and policies, and N ordinary
people numbered from 1 (psn_no `440300` + 14 digits).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from simulators.worlds import build


def write_world(out: Path, people: int, seed: int) -> None:
    rng = random.Random(seed)
    header = build.header(f"generated-{seed}")
    head = json.dumps(header, ensure_ascii=False)
    with out.open("w", encoding="utf-8") as handle:
        handle.write(head[:-1] + ', "persons": [\n')
        for number in range(1, people + 1):
            person = build.random_person(rng, f"generated-{seed}", number)
            handle.write(json.dumps(person, ensure_ascii=False, separators=(",", ":")))
            handle.write(",\n" if number < people else "\n")
        handle.write("]}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.people < 1:
        parser.error("--people must be at least 1")
    write_world(args.out, args.people, args.seed)
    print(f"wrote {args.people} people to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
