"""Compares ONNX files pairwise as protobuf messages (onnx's own parser, not ours).

Usage: python scripts/check_roundtrip.py LIST  — LIST has lines "ORIGINAL<TAB>WRITTEN".
Prints one line per differing pair and ends with "N passed, M failed".
"""
import sys

import onnx


def main():
    passed = failed = 0
    with open(sys.argv[1]) as f:
        pairs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for original, written in pairs:
        try:
            a = onnx.load(original, load_external_data=False)
            b = onnx.load(written, load_external_data=False)
        except Exception as error:  # a file onnx cannot read counts as a failure
            print(f"FAIL {written}: {error}")
            failed += 1
            continue
        if a == b:
            passed += 1
        else:
            same_graph = a.graph == b.graph and list(a.opset_import) == list(b.opset_import)
            print(f"FAIL {original}: {'model fields' if same_graph else 'graph or opsets'} differ")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
