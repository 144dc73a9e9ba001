#!/usr/bin/env python3
"""Read a tandem metrics scrape with the Prometheus client's own parser.

  metrics_parse.py check FILE          parse the whole text; fail on a
                                       family not prefixed tandem_, one
                                       without HELP/TYPE, a duplicate
                                       series, an empty text
  metrics_parse.py get FILE NAME [K=V...]   the value of the one sample
                                       NAME with those labels ("none"
                                       when there is none; an error when
                                       several match)
  metrics_parse.py count FILE NAME [K=V...]  how many samples match
  metrics_parse.py sum FILE NAME [K=V...]    their values added up
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def families(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, list(text_string_to_metric_families(text))


def check(path):
    text, fams = families(path)
    if not fams:
        sys.exit("no metric family at all")
    helps = {l.split()[2] for l in text.splitlines() if l.startswith("# HELP ")}
    types = {l.split()[2] for l in text.splitlines() if l.startswith("# TYPE ")}
    seen = set()
    for fam in fams:
        if not fam.name.startswith("tandem_"):
            sys.exit("family %s is not prefixed tandem_" % fam.name)
        # the parser strips _total from counter families
        raw = {fam.name, fam.name + "_total"}
        if not raw & helps or not raw & types:
            sys.exit("family %s has no HELP or TYPE line" % fam.name)
        if fam.type == "unknown":
            sys.exit("family %s has no type" % fam.name)
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in seen:
                sys.exit("duplicate series %s %s" % key)
            seen.add(key)
    print("%d families, %d series" % (len(fams), len(seen)))


def matching(path, name, want):
    _, fams = families(path)
    out = []
    for fam in fams:
        for s in fam.samples:
            if s.name == name and all(s.labels.get(k) == v
                                      for k, v in want.items()):
                out.append(s)
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "check":
        check(path)
        return
    name = sys.argv[3]
    want = dict(a.split("=", 1) for a in sys.argv[4:])
    got = matching(path, name, want)
    if cmd == "count":
        print(len(got))
    elif cmd == "sum":
        v = sum(s.value for s in got)
        print(int(v) if v == int(v) else v)
    elif not got:
        print("none")
    elif len(got) > 1:
        sys.exit("%d samples match %s %s" % (len(got), name, want))
    else:
        v = got[0].value
        print(int(v) if v == int(v) else v)


main()
