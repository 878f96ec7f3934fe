#!/usr/bin/env python3
"""RxNorm drug codes -> ingredient codes for willis: the shipped subset and the C++ table.

Developer tool, two steps (data/rxnorm/SOURCE.md says where the inputs come from):

    # 1. The subset: every RxNorm drug concept with an ingredient the KB knows, with all of its
    #    ingredients, from two public NLM sources. Needs the sources; run when kb/ gains an
    #    RxNorm code or a source is updated.
    tools/gen_rxnorm_table.py subset RxTermsIngredients202304.txt PRESCRIBE_JSON_DIR kb/ \\
        > data/rxnorm/rxnorm-subset.tsv
    # 2. The table compiled into willis, from the shipped subset alone (fast; ctest
    #    `rxnorm-table-up-to-date` runs it and compares with the committed file).
    tools/gen_rxnorm_table.py table data/rxnorm/rxnorm-subset.tsv > src/codec/rxnorm_table.cc

Sources (both derived only from the non-proprietary SAB=RXNORM content of RxNorm; NLM: no fee or
licence required):
- NLM RxTerms 202304, `RxTermsIngredients202304.txt` (`RXCUI|INGREDIENT|ING_RXCUI`): prescribable
  products (SCD, SBD, GPCK, BPCK) of April 2023 -> their ingredients (TTY=IN).
- NLM RxNorm Current Prescribable Content of 2025-10-06, as the per-letter JSON files
  `web/data/<letter>.json` of the public repository davidanderson3/rxnorm-ingredients: for each
  ingredient (IN/PIN/MIN) its clinical drug components (SCDC, RELA has_ingredient), their clinical
  drugs (SCD, RELA constitutes), and those drugs' branded drugs (SBD, tradename_of) and packs
  (GPCK/BPCK, contained_in). Only the IN records are read.

Rules of step 1 (why each):
- SCDC -> the IN it is listed under; SCD -> the INs of all its SCDCs; SBD -> its SCD's; a pack ->
  the union over the SCDs it contains.
- Completeness, so that no product ever loses an ingredient (willis would then drop an interaction
  silently; an unknown code instead falls back to text, or is reported unrecognised): an SCD is kept
  only when the number of SCDCs found equals the number of components of its name (parts separated
  by " / "); an SBD only when its SCD is kept; a pack only when the number of drugs in its name
  ("{N (drug) / M (drug)} Pack") equals the number of SCDs found and every one of them is kept.
  This matters because one letter file (A.json) is absent from the source (over the snapshot size
  limit): drugs with an ingredient whose name starts with A are kept only where RxTerms has them.
- A code in both sources gets the union of their ingredients (the count of codes where they differ
  is printed on stderr); a code only in RxTerms keeps TTY "RXTERMS" (SCD/SBD/GPCK/BPCK of 2023-04,
  not in the 2025-10 prescribable content).
- Kept: every concept with at least one ingredient whose RXCUI the KB knows (kb/medicines.yaml and
  kb/salts.yaml `rxnorm`), with all of its ingredients (so a partner ingredient the KB does not know
  is still reported as unrecognised), plus the names of those ingredients (RxTerms names first).

The test CodecRxNormTable.EveryKbCodeWasInTheGeneration fails when kb/ has an RxNorm code that the
table was not generated with: run both steps again.
"""
import json
import re
import sys
from pathlib import Path

RXTERMS_RELEASE = "NLM RxTerms 202304 (RxTermsIngredients202304.txt)"
PRESCRIBE_RELEASE = "NLM RxNorm Current Prescribable Content 2025-10-06 (RxNorm_full_prescribe_10062025)"
PRESCRIBE_COPY = "github.com/davidanderson3/rxnorm-ingredients web/data/*.json, commit a8fcf13a679fa37073e8fa83e11d5e0d8cc07276"
TTY_ORDER = ["IN", "SCDC", "SCD", "SBD", "GPCK", "BPCK", "RXTERMS"]


def kb_codes(kb_dir: Path) -> set[int]:
    codes: set[int] = set()
    for name in ("medicines.yaml", "salts.yaml"):
        for line in (kb_dir / name).read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*rxnorm:\s*\[([^\]]*)\]", line)
            if match:
                codes.update(int(c) for c in re.findall(r"\d+", match.group(1)))
    return codes


def components(name: str) -> int:
    """Parts of a clinical drug name: 'a 1 MG / b 2 MG Oral Tablet' has 2."""
    return name.count(" / ") + 1


def pack_drugs(name: str) -> int | None:
    """Drugs named in a pack, '{21 (x / y Oral Tablet) / 7 (z Oral Tablet) } Pack' has 2; None
    when the name is not of that form."""
    start, end = name.find("{"), name.rfind("}")
    if start < 0 or end < start:
        return None
    depth, groups = 0, 0
    for ch in name[start + 1:end]:
        if ch == "(":
            if depth == 0:
                groups += 1
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
    return groups if depth == 0 and groups > 0 else None


def read_rxterms(path: Path):
    products: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    with path.open(encoding="utf-8") as f:
        header = f.readline().strip()
        if header != "RXCUI|INGREDIENT|ING_RXCUI":
            raise SystemExit(f"{path}: unexpected header: {header}")
        for line in f:
            rxcui, ingredient, ing_rxcui = line.rstrip("\n").split("|")
            products.setdefault(int(rxcui), set()).add(int(ing_rxcui))
            names[int(ing_rxcui)] = ingredient
    return products, names


def read_prescribe(folder: Path):
    """(ingredients {rxcui: name}, concepts {rxcui: (tty, name, {ingredient rxcuis})}, dropped counts)."""
    ingredients: dict[int, str] = {}
    scdc_in: dict[int, set[int]] = {}
    scd_scdcs: dict[int, set[int]] = {}
    sbd_scd: dict[int, set[int]] = {}
    pack_scds: dict[int, set[int]] = {}
    names: dict[int, tuple[str, str]] = {}
    files = sorted(folder.glob("*.json"))
    if not files:
        raise SystemExit(f"{folder}: no *.json files")
    for file in files:
        for record in json.loads(file.read_text(encoding="utf-8")):
            if record["TTY"] != "IN":
                continue
            ing = int(record["RXCUI"])
            ingredients[ing] = record["Name"]
            for scdc in record.get("SCDCs", []):
                c = int(scdc["RXCUI"])
                names[c] = (scdc["TTY"], scdc["Name"])
                scdc_in.setdefault(c, set()).add(ing)
                for scd in scdc.get("SCDs", []):
                    d = int(scd["RXCUI"])
                    names[d] = (scd["TTY"], scd["Name"])
                    scd_scdcs.setdefault(d, set()).add(c)
                    for sbd in scd.get("SBDs", []):
                        b = int(sbd["RXCUI"])
                        names[b] = (sbd["TTY"], sbd["Name"])
                        sbd_scd.setdefault(b, set()).add(d)
                    for key in ("GPCKs", "BPCKs"):
                        for pack in scd.get(key, []):
                            p = int(pack["RXCUI"])
                            names[p] = (pack["TTY"], pack["Name"])
                            pack_scds.setdefault(p, set()).add(d)
    concepts: dict[int, tuple[str, str, set[int]]] = {}
    dropped = {"SCD": 0, "SBD": 0, "GPCK": 0, "BPCK": 0}
    for c, ings in scdc_in.items():
        concepts[c] = ("SCDC", names[c][1], set(ings))
    complete_scd: dict[int, set[int]] = {}
    for d, scdcs in scd_scdcs.items():
        if len(scdcs) == components(names[d][1]):
            complete_scd[d] = set().union(*(scdc_in[c] for c in scdcs))
            concepts[d] = ("SCD", names[d][1], complete_scd[d])
        else:
            dropped["SCD"] += 1
    for b, scds in sbd_scd.items():
        if len(scds) == 1 and next(iter(scds)) in complete_scd:
            concepts[b] = ("SBD", names[b][1], set(complete_scd[next(iter(scds))]))
        else:
            dropped["SBD"] += 1
    for p, scds in pack_scds.items():
        tty, name = names[p]
        if pack_drugs(name) == len(scds) and all(d in complete_scd for d in scds):
            concepts[p] = (tty, name, set().union(*(complete_scd[d] for d in scds)))
        else:
            dropped[tty] += 1
    return ingredients, concepts, dropped


def tsv_field(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")


def cmd_subset(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    rxterms_path, prescribe_dir, kb_dir = Path(argv[0]), Path(argv[1]), Path(argv[2])
    known = kb_codes(kb_dir)
    rxterms, rxterms_names = read_rxterms(rxterms_path)
    pres_ingredients, pres, dropped = read_prescribe(prescribe_dir)

    concepts: dict[int, tuple[str, str, set[int]]] = {}
    differ = 0
    for code, (tty, name, ings) in pres.items():
        concepts[code] = (tty, name, set(ings))
    for code, ings in rxterms.items():
        if code in concepts:
            tty, name, have = concepts[code]
            if have != ings:
                differ += 1
            concepts[code] = (tty, name, have | ings)
        else:
            concepts[code] = ("RXTERMS", "", set(ings))
    kept = {code: v for code, v in concepts.items() if v[2] & known}
    ingredient_codes = {i for _, _, ings in kept.values() for i in ings}
    names = dict(pres_ingredients)
    names.update(rxterms_names)
    ingredient_codes |= known & names.keys()
    missing = sorted(i for i in ingredient_codes if i not in names)
    if missing:
        raise SystemExit(f"ingredients with no name in either source: {missing}")

    by_tty: dict[str, int] = {}
    for tty, _, _ in kept.values():
        by_tty[tty] = by_tty.get(tty, 0) + 1
    out = [
        "# data/rxnorm/rxnorm-subset.tsv: GENERATED by tools/gen_rxnorm_table.py subset; do not edit by hand.",
        "# RxNorm drug concepts with an ingredient willis's KB knows, and their ingredients (data/rxnorm/SOURCE.md).",
        f"# Sources: {PRESCRIBE_RELEASE},",
        f"#   as {PRESCRIBE_COPY};",
        f"#   and {RXTERMS_RELEASE}.",
        "# Derived only from the non-proprietary SAB=RXNORM content of RxNorm (U.S. National Library of Medicine).",
        "# Columns: tty, rxcui, ingredient rxcuis (comma-separated; empty for IN), name (empty for RXTERMS rows).",
        f"# Counts: {len(ingredient_codes)} IN, " + ", ".join(f"{by_tty.get(t, 0)} {t}" for t in TTY_ORDER[1:]) + ".",
        "# kb_codes: " + ",".join(str(c) for c in sorted(known)),
        "tty\trxcui\tingredients\tname",
    ]
    for code in sorted(ingredient_codes):
        out.append(f"IN\t{code}\t\t{tsv_field(names[code])}")
    for code in sorted(kept, key=lambda c: (TTY_ORDER.index(kept[c][0]), c)):
        tty, name, ings = kept[code]
        out.append(f"{tty}\t{code}\t{','.join(str(i) for i in sorted(ings))}\t{tsv_field(name)}")
    sys.stdout.write("\n".join(out) + "\n")
    print(f"subset: {len(ingredient_codes)} ingredients, {len(kept)} drug concepts "
          f"({', '.join(f'{t} {by_tty.get(t, 0)}' for t in TTY_ORDER[1:])}); "
          f"left out as possibly incomplete (all ingredients, not only the KB's): {dropped}; "
          f"codes whose ingredients differ between the sources: {differ}", file=sys.stderr)
    return 0


def read_subset(path: Path):
    kb: list[int] | None = None
    ingredients: dict[int, str] = {}
    products: dict[int, tuple[str, list[int]]] = {}
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# kb_codes: "):
            kb = [int(c) for c in line[len("# kb_codes: "):].split(",") if c]
            continue
        if line.startswith("#") or not line:
            continue
        if not header_seen:
            if line != "tty\trxcui\tingredients\tname":
                raise SystemExit(f"{path}: unexpected header: {line}")
            header_seen = True
            continue
        tty, rxcui, ings, name = line.split("\t")
        if tty == "IN":
            ingredients[int(rxcui)] = name
        else:
            products[int(rxcui)] = (tty, [int(i) for i in ings.split(",")])
    if kb is None:
        raise SystemExit(f"{path}: no '# kb_codes:' line")
    return kb, ingredients, products


def c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cmd_table(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    kb, names, products = read_subset(Path(argv[0]))
    ingredients = sorted(names)
    index = {code: idx for idx, code in enumerate(ingredients)}
    by_tty: dict[str, int] = {}
    for tty, _ in products.values():
        by_tty[tty] = by_tty.get(tty, 0) + 1
    counts = ", ".join(f"{by_tty.get(t, 0)} {t}" for t in TTY_ORDER[1:])

    out = []
    out.append("// src/codec/rxnorm_table.cc: GENERATED by tools/gen_rxnorm_table.py table data/rxnorm/rxnorm-subset.tsv;")
    out.append("// do not edit by hand.")
    out.append("//")
    out.append("// RxNorm drug RXCUI -> ingredient RXCUIs, the subset willis's knowledge base needs: every drug concept")
    out.append(f"// with an ingredient the KB knows: {len(products)} concepts ({counts}),")
    out.append(f"// {len(ingredients)} ingredients. Sources (data/rxnorm/SOURCE.md):")
    out.append(f"// {PRESCRIBE_RELEASE};")
    out.append(f"// {RXTERMS_RELEASE}.")
    out.append("// Both are derived only from the non-proprietary (SAB=RXNORM) content of RxNorm;")
    out.append("// NLM states that no fee or licence is required; RxNorm names and RXCUIs are US government works in the")
    out.append("// public domain. This product uses publicly available data courtesy of the U.S. National Library of")
    out.append("// Medicine (NLM), National Institutes of Health, Department of Health and Human Services; NLM is not")
    out.append("// responsible for the product and does not endorse or recommend this or any other product. Provided")
    out.append("// without warranty.")
    out.append('#include "codec/rxnorm_table.h"')
    out.append("")
    out.append("namespace willis::codec::rxnorm {")
    out.append("")
    out.append("namespace {")
    out.append("")
    out.append("// Sorted by RXCUI.")
    out.append("constexpr Ingredient kIngredients[] = {")
    for code in ingredients:
        out.append(f"    {{{code}, {c_string(names[code])}}},")
    out.append("};")
    out.append("")
    out.append("// Ingredient indices into kIngredients, concept by concept.")
    out.append("constexpr std::uint16_t kProductIngredients[] = {")
    flat: list[int] = []
    rows = []
    for rxcui in sorted(products):
        ings = sorted(set(products[rxcui][1]))
        rows.append((rxcui, len(flat), len(ings)))
        flat.extend(index[i] for i in ings)
    if len(flat) > 0xFFFF or len(ingredients) > 0xFFFF:
        raise SystemExit("the table outgrew its 16-bit indices: widen Product::first in rxnorm_table.h")
    for start in range(0, len(flat), 16):
        out.append("    " + ", ".join(str(v) for v in flat[start:start + 16]) + ",")
    out.append("};")
    out.append("")
    out.append("// Sorted by RXCUI: {rxcui, first index into kProductIngredients, count}.")
    out.append("constexpr Product kProducts[] = {")
    for rxcui, first, count in rows:
        out.append(f"    {{{rxcui}, {first}, {count}}},")
    out.append("};")
    out.append("")
    out.append("// The KB's ingredient codes this table was generated for (kb/medicines.yaml, kb/salts.yaml).")
    out.append("constexpr long kKbCodes[] = {")
    codes = sorted(kb)
    for start in range(0, len(codes), 10):
        out.append("    " + ", ".join(str(c) for c in codes[start:start + 10]) + ",")
    out.append("};")
    out.append("")
    out.append("}  // namespace")
    out.append("")
    out.append("std::span<const Ingredient> ingredients() { return kIngredients; }")
    out.append("std::span<const Product> products() { return kProducts; }")
    out.append("std::span<const std::uint16_t> product_ingredients() { return kProductIngredients; }")
    out.append("std::span<const long> kb_codes_at_generation() { return kKbCodes; }")
    out.append("")
    out.append("}  // namespace willis::codec::rxnorm")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "subset":
        return cmd_subset(sys.argv[2:])
    if len(sys.argv) >= 2 and sys.argv[1] == "table":
        return cmd_table(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
