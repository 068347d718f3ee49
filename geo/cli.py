"""The ``newsmap`` command: a thin layer over the library.

Other tools call it, so its commands, options and JSON shapes are a contract
(DESIGN.md, "CLI contract"). Exit status 0 on success, 2 on bad input with a
one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from geo.errors import DataError, NewsmapError
from geo.files import read_text_file
from geo.gazetteer import Gazetteer, Resolution
from geo.geocoding import Geocoder, OnlineService
from geo.names import QUOTE_LIMIT, quoted

# geocode and places answer without pandas (about 0.6 s of start-up); the
# commands that work on tables import it, and folium, when they run.
IMPORT_FORMATS = ("auto", "acled", "ucdp", "csv", "geojson", "parquet")
"""As geo.formats.IMPORT_FORMATS (a test keeps the two equal)."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from err


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmap", description="News reports in, a map of events out (offline)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    geocode = sub.add_parser("geocode", help="resolve place names with the offline gazetteer")
    geocode.add_argument("names", nargs="+", metavar="NAME")
    geocode.add_argument("--context", metavar="TEXT", help="text whose other places are evidence")
    geocode.add_argument("--json", action="store_true", help="write JSON to stdout")
    geocode.add_argument(
        "--online",
        action="store_true",
        help="ask Nominatim for names the gazetteer lacks (needs NEWSMAP_USER_AGENT)",
    )

    places = sub.add_parser("places", help="find and resolve the places a text mentions")
    places.add_argument("files", nargs="+", type=Path, metavar="FILE")
    places.add_argument("--json", action="store_true", help="one JSON line per file")

    extract = sub.add_parser("extract", help="events from articles, with their provenance")
    extract.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="one article, or several: one happening they share becomes one event",
    )
    extract.add_argument(
        "--published",
        type=_date,
        metavar="YYYY-MM-DD",
        help="publication date (default: 'published' in the .json beside FILE)",
    )
    extract_out = extract.add_mutually_exclusive_group()
    extract_out.add_argument("--json", action="store_true", help="event rows as JSON to stdout")
    extract_out.add_argument("-o", "--output", type=Path, metavar="OUT", help="events CSV")

    imp = sub.add_parser("import", help="a dataset (ACLED, UCDP GED, CSV/XLSX, GeoJSON) in")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--format", choices=IMPORT_FORMATS, default="auto")
    imp.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="events file: .parquet, .csv, .geojson (or .acled.csv)",
    )
    imp.add_argument(
        "--date-order",
        choices=["auto", "day-first", "month-first"],
        default="auto",
        help="how to read ambiguous dates such as 03/04/2022 (default: decided per file)",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FILE_COLUMN",
        help="take a schema column from a column of the file ('COLUMN=' leaves it empty)",
    )

    export = sub.add_parser("export", help="write a (filtered) view of an events file")
    export.add_argument("--events", type=Path, default=Path("data/events.csv"), metavar="FILE")
    export.add_argument("--type", action="append", default=[], dest="types", metavar="TYPE")
    export.add_argument("--actor", action="append", default=[], dest="actors", metavar="ACTOR")
    export.add_argument("--place", action="append", default=[], dest="places", metavar="PLACE")
    export.add_argument("--from", type=_date, dest="start", metavar="YYYY-MM-DD")
    export.add_argument("--to", type=_date, dest="end", metavar="YYYY-MM-DD")
    export.add_argument("--text", default="", metavar="TEXT")
    out = export.add_mutually_exclusive_group(required=True)
    out.add_argument("--html", type=Path, metavar="OUT", help="standalone HTML map")
    out.add_argument("--geojson", type=Path, metavar="OUT", help="GeoJSON points (lon, lat)")
    out.add_argument("--csv", type=Path, metavar="OUT", help="CSV in the events schema")
    out.add_argument("--parquet", type=Path, metavar="OUT", help="Parquet in the events schema")
    out.add_argument("--acled-csv", type=Path, metavar="OUT", help="CSV with ACLED's columns")
    export.add_argument(
        "--self-contained",
        action="store_true",
        help="inline every script and style (always the case; kept for the contract)",
    )
    return parser


def _shown(name: str) -> str:
    """A name as a line of output starts with it: whole, unless too long to read."""
    return name if len(name) <= QUOTE_LIMIT else quoted(name)


def _describe(r: Resolution) -> str:
    if r.place is None:
        options = ", ".join(f"{p.name} ({p.geonameid}, {p.country})" for p in r.alternatives[:5])
        return f"{_shown(r.query)}: unresolved ({r.reason})" + (
            f"; candidates: {options}" if options else ""
        )
    p = r.place
    where = ", ".join(x for x in (p.admin1, p.country_name) if x)
    source = f"[{p.geonameid}]" if p.geonameid is not None else f"({r.reason})"
    return (
        f"{_shown(r.query)}: {p.name}, {where} {source} {p.latitude:.5f},{p.longitude:.5f} "
        f"precision {r.precision} score {r.score:.2f}"
    )


def _online() -> OnlineService:
    from geo.online import OnlineGeocoder  # geopy loads only when online is asked for

    return OnlineGeocoder()


def cmd_geocode(args: argparse.Namespace) -> int:
    online = _online() if args.online else None
    with Gazetteer.open() as gazetteer:
        geocoder = Geocoder(gazetteer, online=online)
        results = [geocoder.geocode(name, context=args.context) for name in args.names]
    if args.json:
        json.dump([r.to_dict() for r in results], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for r in results:
            print(_describe(r))
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    texts = [(path, read_text_file(path)) for path in args.files]
    with Gazetteer.open() as gazetteer:
        for path, text in texts:
            mentions = gazetteer.places(text)
            if args.json:
                line = {"file": str(path), "mentions": [m.to_dict() for m in mentions]}
                print(json.dumps(line, ensure_ascii=False))
                continue
            print(f"{path}: {len(mentions)} place mentions")
            for m in mentions:
                print(f"  {m.start}-{m.end} {_describe(m.resolution)}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    import pandas as pd

    from geo.dedupe import merge_events
    from geo.events import to_csv_bytes
    from geo.export import json_rows
    from geo.extract import extract_article

    with Gazetteer.open() as gazetteer:
        tables = [extract_article(f, args.published, gazetteer=gazetteer) for f in args.files]
    events = tables[0] if len(tables) == 1 else merge_events(tables)
    if args.json:
        json.dump(json_rows(events), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.output:
        args.output.write_bytes(to_csv_bytes(events))
        origin = args.files[0] if len(args.files) == 1 else f"{len(args.files)} articles"
        print(f"{len(events)} events from {origin} -> {args.output}")
    else:
        for row in events.itertuples(index=False):
            place = row.location if pd.notna(row.latitude) else f"{row.location} (unplaced)"
            sources = getattr(row, "source_count", 1)
            print(
                f"{row.event_id}  {row.event_date:%Y-%m-%d} ({row.date_precision})  "
                f"{row.event_type} / {row.sub_event_type}  {place}"
                + (f"  [{sources} sources]" if sources and sources > 1 else "")
            )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from geo.formats import export_dataset, import_dataset

    mapping: dict[str, str | None] = {}
    for item in args.map:
        column, sep, source = item.partition("=")
        if not sep:
            raise DataError(f"--map {item!r}: expected COLUMN=FILE_COLUMN, e.g. event_date=Date")
        mapping[column.strip()] = source.strip() or None
    dayfirst = {"auto": None, "day-first": True, "month-first": False}[args.date_order]
    report = import_dataset(args.file, args.format, mapping or None, dayfirst=dayfirst)
    export_dataset(report.events, args.output)
    if len(report.rejected):
        rejected = args.output.with_name(f"{args.output.name.split('.')[0]}.rejected.csv")
        rejected.write_bytes(report.rejected_csv_bytes())
    print(report.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from geo.events import EventFilter, filter_events, read_events
    from geo.export import map_html, write_map_html
    from geo.formats import export_dataset
    from geo.maps import MapContext

    report = read_events(args.events)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if len(report.rejected):
        print(f"warning: {report.summary()}", file=sys.stderr)
    flt = EventFilter.of(args.types, args.actors, args.places, args.start, args.end, args.text)
    shown = filter_events(report.events, flt)
    if args.html:
        with Gazetteer.open() as gazetteer:
            context = MapContext.from_gazetteer(shown, gazetteer)
        html = map_html(shown, total=len(report.events), filters=flt.describe(), context=context)
        write_map_html(args.html, html)
        target = args.html
    else:
        fmt, target = next(
            (fmt, path)
            for fmt, path in (
                ("geojson", args.geojson),
                ("csv", args.csv),
                ("parquet", args.parquet),
                ("acled_csv", args.acled_csv),
            )
            if path
        )
        export_dataset(shown, target, fmt)
    print(f"{len(shown)} of {len(report.events)} events ({flt.describe()}) -> {target}")
    return 0


COMMANDS = {
    "geocode": cmd_geocode,
    "places": cmd_places,
    "extract": cmd_extract,
    "import": cmd_import,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except NewsmapError as err:
        print(f"newsmap {args.command}: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"newsmap {args.command}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
