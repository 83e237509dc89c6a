"""``policyrepo lookup``: what applied to a code on a date, in the context given.

For a service (CPT, HCPCS, procedure codes) the answer of every version in effect:
covered or not, prior authorisation, documentation, limits, criteria, and which context
still decides when some is missing. For a diagnosis, the services it supports or
excludes. For a claim qualifier, the tables that list it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from validator.cli import answers, coverage_answers, options
from validator.consume.coverage import Context, diagnosis
from validator.model import resolve
from validator.model.codesystems import SYSTEMS
from validator.model.timeline import Repository


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "lookup",
        help="what applied to a code on a date, in a context",
        description="Every policy version in effect on DATE that lists the code. For a "
        "service, its answer in the context given (covered or not, prior authorisation, "
        "documentation, limits, criteria); what the context leaves out and the answer "
        "depends on is listed as needed. Exits 1 when no version governed the code.",
    )
    parser.add_argument("system", metavar="SYSTEM", help=f"code system: {', '.join(SYSTEMS)}")
    parser.add_argument("code", metavar="CODE", help="the code as written, e.g. 97545 or V57.22")
    options.add_on(parser)
    add_context(parser)
    options.add_root(parser)
    options.add_checking(parser)
    parser.add_argument(
        "--format",
        choices=["text", "json", "crd"],
        default="text",
        help="crd: each answer as a Da Vinci CRD coverage-information extension (services)",
    )
    parser.set_defaults(run=run)


def add_context(parser: argparse.ArgumentParser) -> None:
    """The options that describe a claim line or an order."""
    group = parser.add_argument_group("context (what is known about the service)")
    group.add_argument(
        "--diagnosis",
        action="append",
        metavar="CODE",
        help="a billed diagnosis, repeatable: C61, or SYSTEM:CODE such as ICD-9-CM:V57.22 "
        "(without a system, ICD-10-CM from 2015-10-01 and ICD-9-CM before)",
    )
    group.add_argument(
        "--no-diagnosis", action="store_true", help="no diagnosis is billed (not: unknown)"
    )
    group.add_argument(
        "--line-of-business",
        metavar="LINE",
        help="commercial, medicare, medicare-advantage, medicaid, chip, exchange, or a product id",
    )
    group.add_argument("--state", metavar="ST", type=str.upper, help="USPS state code, e.g. TN")
    group.add_argument("--setting", choices=["professional", "facility"])
    group.add_argument(
        "--place-of-service", metavar="POS", help="CMS place-of-service code, e.g. 11"
    )
    group.add_argument("--age", type=_age, metavar="YEARS")
    group.add_argument("--sex", choices=["female", "male"])
    group.add_argument(
        "--modifier", action="append", metavar="MOD", type=str.upper, help="repeatable"
    )
    group.add_argument(
        "--no-modifier", action="store_true", help="no modifier is billed (not: unknown)"
    )


def _age(text: str) -> int:
    if not text.isdecimal() or not 0 <= int(text) <= 130:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age in whole years (0 to 130)")
    return int(text)


def context_of(args: argparse.Namespace, on: date) -> Context:
    if args.diagnosis and args.no_diagnosis:
        raise options.UsageError("--diagnosis and --no-diagnosis contradict each other")
    if args.modifier and args.no_modifier:
        raise options.UsageError("--modifier and --no-modifier contradict each other")
    diagnoses = None
    if args.diagnosis:
        diagnoses = tuple(diagnosis(written, on) for written in args.diagnosis)
        for system, code in diagnoses:
            if system not in SYSTEMS or SYSTEMS[system].role != "diagnosis":
                raise options.UsageError(f"{system}:{code} is not a diagnosis code system")
            if not SYSTEMS[system].accepts(code):
                raise options.UsageError(f"{code} is not a {SYSTEMS[system].title} code")
    elif args.no_diagnosis:
        diagnoses = ()
    modifiers = tuple(args.modifier) if args.modifier else (() if args.no_modifier else None)
    return Context(
        diagnoses=diagnoses,
        line_of_business=args.line_of_business,
        state=args.state,
        setting=args.setting,
        place_of_service=args.place_of_service,
        age=args.age,
        sex=args.sex,
        modifiers=modifiers,
    )


def run(args: argparse.Namespace) -> int:
    system = next((name for name in SYSTEMS if name.casefold() == args.system.casefold()), None)
    if system is None:
        raise options.UsageError(
            f"unknown code system {args.system!r}; use one of {', '.join(SYSTEMS)}"
        )
    code = args.code.strip().upper()
    on = args.on or date.today()
    context = context_of(args, on)
    role = SYSTEMS[system].role
    if args.format == "crd" and role != "service":
        raise options.UsageError("--format crd answers for services (CPT, HCPCS, procedures)")
    loaded = options.load_for_code(args, system, code, on)
    answered, output = _answer(loaded.repository, role, system, code, on, context, args.format)
    sys.stdout.write(output)
    return loaded.exit_code(answered)


def _answer(
    repository: Repository,
    role: str,
    system: str,
    code: str,
    on: date,
    context: Context,
    fmt: str,
) -> tuple[bool, str]:
    """Whether any version governed the code, and the answer in the format asked for."""
    if role == "service":
        found = resolve.coverage(repository, system, code, on, context)
        if fmt == "crd":
            return bool(found), coverage_answers.coverage_crd(system, code, found)
        render = coverage_answers.coverage_json if fmt == "json" else coverage_answers.coverage_text
        return bool(found), render(system, code, on, context, found)
    if role == "diagnosis":
        supports = resolve.supports(repository, system, code, on)
        show = coverage_answers.support_json if fmt == "json" else coverage_answers.support_text
        return bool(supports), show(system, code, on, supports)
    rows = resolve.lookup(repository, system, code, on)
    listing = answers.lookup_json if fmt == "json" else answers.lookup_text
    return bool(rows), listing(system, code, on, rows)
