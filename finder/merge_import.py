"""A refresh keeps what staff know: merge a fresh import into the list patients see now.

The registries know nothing about accepting new patients, languages, websites, or movement-
disorder, headache or MS expertise, so staff type those in. A refresh matches rows by NPI and:
- keeps each matched row's staff-entered cells (and its id, so comparisons stay meaningful),
  and the subspecialties no registry code can give; the registry's own fields are refreshed;
- keeps staff's own rows (no NPI, or from another source) as they are;
- removes a row that came from this same registry only when the registry says it is gone
  (deactivated, no longer a neurologist, moved away, or absent from a full monthly file), and
  lists every such row with its reason. A weekly update only speaks for the NPIs it contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from finder import npi, vocabulary
from finder.provider_import import DEACTIVATED, Imported
from finder.specialty_codes import CMS_ADDED_SPECIALTIES, NUCC_CODES
from finder.table_contract import ALL_COLUMNS, column_key

#: Filled by staff; the registry never has them, so the existing value is always kept.
STAFF_COLUMNS = ("accepting_new_patients", "languages", "website")
#: The registry's value when it has one, else what staff entered.
FILLED_COLUMNS = ("clinic", "telehealth", "gender")
#: Subspecialties a registry code can give: a refresh decides these. Staff decide the rest.
REGISTRY_SLUGS = frozenset(
    {code.slug for code in NUCC_CODES} | set(CMS_ADDED_SPECIALTIES.values()) | {"general-neurology", "child-neurology"}
)
NOT_IN_FULL_FILE = "no longer in the registry file"
ADDRESS_GONE = "this practice address is no longer listed for this NPI"


@dataclass
class MergeResult:
    table: pd.DataFrame
    matched: int = 0
    added: int = 0
    kept_as_entered: int = 0
    removed: list[str] = field(default_factory=list)  # one line per row taken out, with its reason
    check: list[str] = field(default_factory=list)  # staff rows kept although the registry says something

    def lines(self, existing_name: str) -> list[str]:
        lines = [
            f"Merged with {existing_name}: {self.matched:,} rows matched by NPI (staff-entered columns kept), "
            f"{self.added:,} new, {self.kept_as_entered:,} of your own rows kept as they are, "
            f"{len(self.removed):,} taken out."
        ]
        if self.removed:
            lines.append("Taken out of the list (the registry says they are gone):")
            lines += [f"  {line}" for line in self.removed]
        if self.check:
            lines.append("Kept as you entered them, but the registry file says something you may want to check:")
            lines += [f"  {line}" for line in self.check]
        return lines


def _describe(row: pd.Series, reason: str) -> str:
    return f"{row['id']} (NPI {row['npi']}) {row['name']}, {row['city']} {row['state']}: {reason}"


def _existing_npis(existing: pd.DataFrame) -> pd.Series:
    """Each row's NPI: the npi column, or an id that is itself a valid NPI; '' when there is none."""
    given = existing["npi"].str.strip()
    ids = existing["id"].str.strip()
    given = given.where(npi.valid_mask(given), "")
    return given.where(given.ne("") | ~npi.valid_mask(ids), ids)


def _subspecialties(imported: pd.Series, existing: pd.Series) -> pd.Series:
    """The registry's subspecialties plus the ones staff added that no registry code gives."""

    def combine(fresh: str, entered: str) -> str:
        parts = vocabulary.split_list(fresh)
        for part in vocabulary.split_list(entered):
            slug = vocabulary.to_slug(part)
            if slug not in REGISTRY_SLUGS and part not in parts:
                parts.append(part)
        return "; ".join(parts)

    return pd.Series(
        [combine(fresh, entered) for fresh, entered in zip(imported, existing, strict=True)], index=imported.index
    )


def merge(imported: Imported, existing_raw: pd.DataFrame) -> MergeResult:
    """The refreshed list: imported rows with staff knowledge carried over, plus staff's own rows."""
    existing = existing_raw.rename(columns=lambda name: column_key(name) if column_key(name) in ALL_COLUMNS else name)
    existing = existing.reindex(columns=[*ALL_COLUMNS, *(c for c in existing.columns if c not in ALL_COLUMNS)])
    existing = existing.fillna("").astype(str).reset_index(drop=True)
    existing["npi"] = _existing_npis(existing)
    fresh = imported.rows.reset_index(drop=True).copy()
    source = imported.summary.source

    # Pair each imported row with an existing one: the same id first, then the same NPI.
    with_npi = existing[existing["npi"].ne("")]
    paired = fresh["id"].map(pd.Series(with_npi.index, index=with_npi["id"]).groupby(level=0).first())
    unused = with_npi[~with_npi.index.isin(paired.dropna())]
    first_of_npi = fresh["npi"].where(paired.isna()).dropna().drop_duplicates()
    by_npi = first_of_npi.map(pd.Series(unused.index, index=unused["npi"]).groupby(level=0).first()).dropna()
    paired = paired.fillna(by_npi)
    # Rows of an NPI that found no partner of their own still take staff columns from one of its rows.
    donor = paired.fillna(fresh["npi"].map(pd.Series(with_npi.index, index=with_npi["npi"]).groupby(level=0).first()))

    result = MergeResult(fresh)
    has_donor = donor.notna()
    donors = existing.loc[donor[has_donor].astype(int)].set_axis(fresh.index[has_donor])
    for column in STAFF_COLUMNS:
        fresh.loc[has_donor, column] = donors[column]
    for column in FILLED_COLUMNS:
        blank = has_donor & fresh[column].astype(str).str.strip().eq("")
        fresh.loc[blank, column] = donors[column].reindex(fresh.index[blank])
    fresh.loc[has_donor, "subspecialties"] = _subspecialties(
        fresh.loc[has_donor, "subspecialties"], donors["subspecialties"]
    )
    for column in existing.columns.difference(list(ALL_COLUMNS)):
        fresh[column] = donors[column].reindex(fresh.index).fillna("")
    has_pair = paired.notna()
    partners = existing.loc[paired[has_pair].astype(int)].set_axis(fresh.index[has_pair])
    fresh.loc[has_pair, "id"] = partners["id"]
    # Staff may have placed a practice more precisely than its ZIP centre: keep that while the address stays.
    same_place = (
        (partners["zip"].str.strip().eq(fresh.loc[has_pair, "zip"]))
        & partners["address"].str.strip().str.lower().eq(fresh.loc[has_pair, "address"].str.lower())
        & partners["latitude"].str.strip().ne("")
        & partners["longitude"].str.strip().ne("")
    )
    for column in ("latitude", "longitude"):
        fresh.loc[same_place[same_place].index, column] = partners.loc[same_place, column]

    result.matched, result.added = int(has_pair.sum()), int((~has_pair).sum())
    kept = _existing_rows_to_keep(existing.drop(index=paired.dropna().astype(int)), imported, source, result)
    result.table = pd.concat([fresh, kept], ignore_index=True).reindex(columns=existing.columns).fillna("")
    return result


def _existing_rows_to_keep(rest: pd.DataFrame, imported: Imported, source: str, result: MergeResult) -> pd.DataFrame:
    """The existing rows no imported row took over: staff's own are kept, gone registry rows are listed."""
    reasons = rest["npi"].map(lambda number: imported.left_out_npis.get(number, ""))
    still_listed = rest["npi"].isin(imported.rows["npi"])
    from_here = rest["source"].str.strip().eq(source) & rest["npi"].ne("")
    gone = pd.Series("", index=rest.index)
    gone[from_here & imported.full_file] = NOT_IN_FULL_FILE
    gone[from_here & reasons.ne("")] = reasons
    gone[from_here & still_listed] = ADDRESS_GONE
    gone[reasons.eq(DEACTIVATED)] = DEACTIVATED  # whoever entered the row, a deactivated NPI no longer practises
    removed = gone.ne("")
    result.removed = [_describe(row, gone[index]) for index, row in rest[removed].iterrows()]
    check = ~removed & reasons.ne("")
    result.check = [_describe(row, reasons[index]) for index, row in rest[check].iterrows()]
    result.kept_as_entered = int((~removed).sum())
    return rest[~removed]
