"""The cost of a page of members (bench/directory.json, from `make bench-directory`):
DynamoDB calls and items read per query on a seeded table, not timed."""

from __future__ import annotations

import json

from ..config import BENCH
from .common import Facts

DIRECTORY = BENCH / "directory.json"


def member_pages(r: dict, facts: Facts) -> list[str]:
    if not DIRECTORY.exists():
        return []
    d = json.loads(DIRECTORY.read_text())
    lines = []
    add = lines.append
    add(f"## Member pages on {d['members']:,} members\n")
    add(f"From `make bench-directory` ({d.get('date', 'date not recorded')}, commit "
        f"{d.get('commit', '?')}): `tests/src/bin/directory-costs.rs` seeds a table of its own "
        f"in the local DynamoDB with {d['members']:,} members ({d['pending']:,} pending, 10 % "
        "blocked, 30 % PUBLIC; three items each and the partitions' count shares, by "
        "BatchWriteItem) and runs each query "
        "through the real flow (`flows::directory::query`) with a counting client. *Items "
        "read* is what DynamoDB's answers held: index entries of the listing Query (keys "
        "only: partition, sort key, `pk`), the count shares read for the total (or, under a "
        "name filter, the entries a `Select=COUNT` Query counted), and the members of the "
        "BatchGetItem. moto's time is shown only to say "
        "it ran; it is no prediction of DynamoDB's.\n")
    add("| query | returned | total | DynamoDB calls | items read | moto ms |")
    add("|---|---:|---:|---:|---:|---:|")
    for q in d["queries"]:
        add(f"| {q['query']} | {q['returned']} | {q['total']:,} | {q['dynamodb_calls']} | "
            f"{q['items_read']:,} | {q['moto_ms']:.1f} |")
    add("")
    add("- **A page reads in proportion to the page.** The listing walk reads at most "
        "`offset + limit + 1` index entries from each partition the filter allows (status × "
        "privacy: 8 partitions with no filter, 2 for one status, 1 for the public "
        "directory), merges them in the asked order and reads only the page's members, in "
        "one BatchGetItem. Unique fields (id, login email, slug) are read by key; contact "
        "ids through `by-contact`. No query scans the table.")
    add("- **The total is one small read.** `total` (the client's `totalCount`, which its "
        "`hasNext()` needs) is exact: a partition the walk read to its end counts itself; "
        "otherwise the partitions' member counts answer it, 8 shares per partition kept in "
        "the same transactions that move members (registration, approval, block, privacy, "
        "disconnect, erasure), read in one BatchGetItem of at most 64 small items. Under a "
        "name filter the counts do not apply, so the matching index entries (keys only) of "
        "the partitions not read to their end are counted with `Select=COUNT`: that part "
        "grows with the matches, not with the table.")
    add("- **Offset paging costs the offset.** Page 10 reads 10× page 1's entries; "
        "offsets past 10,000 are refused (400). A cursor would make every page cost the "
        "same; the Wix client pages by offset for members, so offsets are what it sends.")
    add("")
    return lines
