"""Parses Prometheus text exposition read from stdin with the Prometheus project's own Python
parser; prints one line per family: name, type, whether it has HELP, its label names."""
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    labels = sorted({k for s in family.samples for k in s.labels})
    print("\t".join([family.name, family.type, "help" if family.documentation else "NOHELP", ",".join(labels)]))
