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
        "blocked, 30 % PUBLIC; three items each, by BatchWriteItem) and runs each query "
        "through the real flow (`flows::directory::query`) with a counting client. *Items "
        "read* is what DynamoDB's answers held: index entries of the listing Query (keys "
        "only: partition, sort key, `pk`), the entries a `Select=COUNT` Query counted for "
        "the total, and the members of the BatchGetItem. moto's time is shown only to say "
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
    add("- **The total is the exception.** `total` (the client's `totalCount`, which its "
        "`hasNext()` needs) is exact: a partition the walk read to its end counts itself; "
        "one it did not is counted with a keys-only `Select=COUNT` Query, whose cost grows "
        "with the partition (index entries are ~100–150 bytes, so DynamoDB reads about "
        "7,000–10,000 of them per MB, 1 MB per call). On 10,000 members that is the "
        "largest figure in each row above. What would make it constant: counters per "
        "partition kept in the same transactions as status and privacy changes "
        "(sharded, so concurrent registrations do not conflict); written on branch "
        "`wip/partition-counts`, not on main: on moto each approval then becomes a 3-item "
        "transaction, and moto copies the table per transaction item.")
    add("- **Offset paging costs the offset.** Page 10 reads 10× page 1's entries; "
        "offsets past 10,000 are refused (400). A cursor would make every page cost the "
        "same; the Wix client pages by offset for members, so offsets are what it sends.")
    add("")
    return lines
