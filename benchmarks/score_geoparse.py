"""Score newsmap's geoparser on an annotated JSON-lines file.

Run: python benchmarks/score_geoparse.py FILE.jsonl [--verbose] [--json]

Each line is one document: ``{"text": ..., "toponyms": [{"start", "end",
"name", "lat", "lon", "geonameid"}, ...]}`` with character offsets into text
(end exclusive); "name" and "geonameid" may be absent or null. The real
``Gazetteer.places()`` runs on every text, and the script reports:

- recognition precision, recall and F1, where a predicted mention matches a
  gold toponym when their spans overlap (one-to-one, in text order): a system
  that marks "Rivne region" for gold "Rivne" has found the place. Exact-span
  F1 (start and end equal) is reported beside it;
- accuracy@161 km: of the matched pairs, the share whose predicted point lies
  within 161 km (100 miles) of the gold point. A matched prediction without a
  point (an abstention) counts as recognised but not within 161 km; their
  number is reported separately.

Exit status 0 on success, 2 when the file is missing or malformed (with the
line and the fix on stderr).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from geo.geometry import haversine_km  # noqa: E402

WITHIN_KM = 161.0


class AnnotationError(ValueError):
    """The annotated file is not in the expected format."""


@dataclass(frozen=True)
class Gold:
    """One annotated toponym."""

    start: int
    end: int
    name: str
    lat: float
    lon: float
    geonameid: int | None


@dataclass(frozen=True)
class Doc:
    """One annotated document."""

    line: int
    text: str
    toponyms: tuple[Gold, ...]


@dataclass(frozen=True)
class Predicted:
    """One mention as the geoparser returned it."""

    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: int | None


@dataclass(frozen=True)
class Pair:
    """A gold toponym and the prediction matched to it (None when missed)."""

    gold: Gold
    pred: Predicted | None

    @property
    def distance_km(self) -> float | None:
        """Distance between the points; None when missed or abstained."""
        p = self.pred
        if p is None or p.lat is None or p.lon is None:
            return None
        return haversine_km(self.gold.lat, self.gold.lon, p.lat, p.lon)

    @property
    def within(self) -> bool:
        d = self.distance_km
        return d is not None and d <= WITHIN_KM


@dataclass
class DocScore:
    """Matching of one document."""

    doc: Doc
    predicted: list[Predicted]
    pairs: list[Pair]
    spurious: list[Predicted]
    exact: int  # predictions whose span equals a gold span


@dataclass
class Report:
    """Totals over a file."""

    docs: list[DocScore] = field(default_factory=list)

    def _count(self) -> dict[str, int]:
        gold = sum(len(d.doc.toponyms) for d in self.docs)
        pred = sum(len(d.predicted) for d in self.docs)
        matched = [p for d in self.docs for p in d.pairs if p.pred is not None]
        return {
            "gold": gold,
            "predicted": pred,
            "matched": len(matched),
            "exact": sum(d.exact for d in self.docs),
            "within": sum(p.within for p in matched),
            "abstained": sum(p.distance_km is None for p in matched),
            "far": sum(p.distance_km is not None and not p.within for p in matched),
        }

    def summary(self) -> dict[str, Any]:
        """Every figure of the report as a flat dict."""
        c = self._count()
        p, r, f = _prf(c["matched"], c["predicted"], c["gold"])
        ep, er, ef = _prf(c["exact"], c["predicted"], c["gold"])
        acc = c["within"] / c["matched"] if c["matched"] else 0.0
        return {
            "documents": len(self.docs),
            **c,
            "precision": p,
            "recall": r,
            "f1": f,
            "exact_precision": ep,
            "exact_recall": er,
            "exact_f1": ef,
            "accuracy_161km": acc,
        }


def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = hits / predicted if predicted else 0.0
    r = hits / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --- reading ---------------------------------------------------------------------


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AnnotationError(f"{where}: {what} must be a number, got {value!r}")
    return float(value)


def _gold(item: Any, text: str, where: str) -> Gold:
    if not isinstance(item, dict):
        raise AnnotationError(f"{where}: expected an object, got {type(item).__name__}")
    missing = [k for k in ("start", "end", "lat", "lon") if k not in item]
    if missing:
        raise AnnotationError(f"{where}: missing {', '.join(missing)}")
    start, end = item["start"], item["end"]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise AnnotationError(
            f"{where}: start/end must be integers with 0 <= start < end <= {len(text)} "
            f"(the text's length in characters), got {start!r}/{end!r}"
        )
    lat = _number(item["lat"], "lat", where)
    lon = _number(item["lon"], "lon", where)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AnnotationError(f"{where}: lat/lon {lat}, {lon} is off the globe")
    name = item.get("name")
    if name is not None and text[start:end] != name:
        raise AnnotationError(
            f"{where}: name {name!r} is not the text at {start}:{end} "
            f"({text[start:end]!r}); offsets must count Unicode characters, not bytes"
        )
    gid = item.get("geonameid")
    if gid is not None and (isinstance(gid, bool) or not isinstance(gid, int)):
        raise AnnotationError(f"{where}: geonameid must be an integer or null, got {gid!r}")
    return Gold(start, end, text[start:end], lat, lon, gid)


def parse_lines(lines: Iterable[str], source: str = "<input>") -> list[Doc]:
    """Annotated documents from JSON lines; AnnotationError names the bad line."""
    docs = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}, line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise AnnotationError(f"{where}: not JSON ({err.msg} at column {err.colno})") from err
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise AnnotationError(f'{where}: expected an object with a "text" string')
        tops = obj.get("toponyms")
        if not isinstance(tops, list):
            raise AnnotationError(f'{where}: expected "toponyms" to be a list')
        gold = [_gold(t, obj["text"], f"{where}, toponym {k + 1}") for k, t in enumerate(tops)]
        docs.append(Doc(n, obj["text"], tuple(sorted(gold, key=lambda g: g.start))))
    return docs


def read_file(path: Path) -> list[Doc]:
    """Annotated documents of a JSONL file."""
    try:
        with path.open(encoding="utf-8") as fh:
            return parse_lines(fh, str(path))
    except UnicodeDecodeError as err:
        raise AnnotationError(f"{path}: not UTF-8 (byte {err.start})") from err
    except OSError as err:
        raise AnnotationError(f"{path}: cannot read ({err.strerror})") from err


# --- scoring ---------------------------------------------------------------------


def match(
    gold: Sequence[Gold], predicted: Sequence[Predicted]
) -> tuple[list[Pair], list[Predicted]]:
    """Pair each gold toponym with the first unused prediction overlapping it."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        hit = None
        for k, p in enumerate(predicted):
            if k not in used and p.start < g.end and g.start < p.end:
                hit = k
                break
        if hit is not None:
            used.add(hit)
        pairs.append(Pair(g, predicted[hit] if hit is not None else None))
    spurious = [p for k, p in enumerate(predicted) if k not in used]
    return pairs, spurious


def predict(gazetteer: Any, text: str) -> list[Predicted]:
    """Run the real geoparser on a text."""
    out = []
    for m in gazetteer.places(text):
        place = m.resolution.place
        out.append(
            Predicted(
                m.start,
                m.end,
                m.text,
                place.latitude if place else None,
                place.longitude if place else None,
                place.geonameid if place else None,
            )
        )
    return out


def score(docs: Sequence[Doc], gazetteer: Any) -> Report:
    """Run places() on each document and match its mentions to the gold."""
    report = Report()
    for doc in docs:
        predicted = predict(gazetteer, doc.text)
        pairs, spurious = match(doc.toponyms, predicted)
        spans = {(g.start, g.end) for g in doc.toponyms}
        exact = sum((p.start, p.end) in spans for p in predicted)
        report.docs.append(DocScore(doc, predicted, pairs, spurious, exact))
    return report


# --- output ----------------------------------------------------------------------


def _describe_pair(pair: Pair) -> str:
    g = pair.gold
    if pair.pred is None:
        return f"  MISSED   {g.name!r} @{g.start}"
    d = pair.distance_km
    if d is None:
        return f"  ABSTAIN  {g.name!r} @{g.start} (predicted span {pair.pred.text!r})"
    tag = "ok      " if pair.within else "FAR     "
    return f"  {tag} {g.name!r} @{g.start} -> {pair.pred.geonameid} ({d:,.0f} km off)"


def print_report(report: Report, verbose: bool) -> None:
    """Human-readable figures, and with verbose every document's matches."""
    if verbose:
        for ds in report.docs:
            c = Report([ds]).summary()
            print(
                f"line {ds.doc.line}: P {c['precision']:.2f} R {c['recall']:.2f} "
                f"acc@161 {c['accuracy_161km']:.2f} | {ds.doc.text[:60]!r}"
            )
            for pair in ds.pairs:
                if verbose or not pair.within:
                    print(_describe_pair(pair))
            for p in ds.spurious:
                print(f"  SPURIOUS {p.text!r} @{p.start} -> {p.geonameid}")
    s = report.summary()
    print(
        f"documents {s['documents']}, gold toponyms {s['gold']}, predicted mentions "
        f"{s['predicted']}, matched {s['matched']} (spans overlap)"
    )
    print(f"recognition (overlap): P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    print(
        f"recognition (exact span): P {s['exact_precision']:.3f}  R {s['exact_recall']:.3f}  "
        f"F1 {s['exact_f1']:.3f}"
    )
    print(
        f"accuracy@161 km of matched: {s['accuracy_161km']:.3f} ({s['within']} within, "
        f"{s['far']} farther, {s['abstained']} abstained without a point)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="annotated JSON-lines file")
    parser.add_argument("--verbose", action="store_true", help="per-document breakdown")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    try:
        docs = read_file(args.file)
    except AnnotationError as err:
        print(f"score_geoparse: {err}", file=sys.stderr)
        return 2
    from geo.gazetteer import Gazetteer

    with Gazetteer.open() as gazetteer:
        report = score(docs, gazetteer)
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print_report(report, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
