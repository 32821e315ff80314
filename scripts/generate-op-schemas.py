#!/usr/bin/env python3
"""Writes Sources/ONNX/Schema/OpSchemaTable.generated.swift from the `onnx` package's schema registry.

Run it with a Python that has the onnx version this project follows, after bumping that version and
together with scripts/generate-protos.sh (see docs/op-schemas.md):

    /work/venv-onnx/bin/python scripts/generate-op-schemas.py [--output PATH]

Every version of every op in every domain onnx registers goes into the table.

Why JSON inside Swift rather than Swift values: the table has ~660 schemas. Written as OpSchema array
literals, or as builder calls, the file took 30-100 s to compile with -O on two cores (the SIL optimizer
works through every literal). As one string literal it compiles in about a second at any optimization
level, and is decoded once, when OpSchemaRegistry.standard is first used. The decoder lives in the
generated file too, so that the format and the code reading it change together, here.
"""

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
import onnx.defs
from onnx import AttributeProto

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "Sources/ONNX/Schema/OpSchemaTable.generated.swift"

# Domains in the order the table lists them. A domain missing here is an error, so that a new onnx
# domain is looked at (does the registry treat it right?) rather than slipped in.
DOMAINS = ["", "ai.onnx.ml", "ai.onnx.preview.training", "ai.onnx.preview"]

# onnx stores "unbounded" as INT_MAX; the table leaves the maximum out and the Swift side says Int.max.
ONNX_UNBOUNDED = 2**31 - 1


def float32_number(value: float, where: str) -> float:
    """The float whose shortest repr is the shortest decimal that round-trips through float32.

    onnx stores float defaults as float32, so 1e-5 arrives as 9.999999747378752e-06; writing "1e-05"
    keeps the table readable, and Swift's Float("1e-05") gives back the same float32.
    """
    if not math.isfinite(value):
        sys.exit("error: %s: non-finite float default %r cannot be written as JSON" % (where, value))
    return float(str(np.float32(value)))


def default_value(schema, attribute):
    """The attribute's default as a one-key object ({"int": 1}), or None when it has none."""
    proto = attribute.default_value
    if proto is None or proto.ByteSize() == 0:
        return None
    where = "%s-%d attribute %s" % (schema.name, schema.since_version, attribute.name)
    kind = proto.type
    if kind == AttributeProto.INT:
        return {"int": proto.i}
    if kind == AttributeProto.FLOAT:
        return {"float": float32_number(proto.f, where)}
    if kind == AttributeProto.STRING:
        return {"string": proto.s.decode("utf-8")}
    if kind == AttributeProto.INTS:
        return {"ints": list(proto.ints)}
    if kind == AttributeProto.FLOATS:
        return {"floats": [float32_number(v, where) for v in proto.floats]}
    if kind == AttributeProto.STRINGS:
        return {"strings": [v.decode("utf-8") for v in proto.strings]}
    # AttributeSchema.DefaultValue has no case for this kind; extend it rather than drop the default.
    sys.exit(
        "error: %s has a default of kind %s, which AttributeSchema.DefaultValue cannot hold"
        % (where, AttributeProto.AttributeType.Name(kind))
    )


def attribute_record(schema, attribute) -> dict:
    # The Swift side maps this spelling through AttributeType.description (INTS, SPARSE_TENSOR, …).
    record = {"name": attribute.name, "type": attribute.type.name}
    if attribute.required:
        record["required"] = True
    default = default_value(schema, attribute)
    if default is not None:
        record["default"] = default
    return record


def parameter_record(parameter) -> dict:
    record = {"name": parameter.name, "type": parameter.type_str}
    option = parameter.option.name  # Single / Optional / Variadic
    if option == "Optional":
        record["option"] = "optional"
    elif option == "Variadic":
        record["option"] = "variadic"
    elif option != "Single":
        sys.exit("error: unknown formal parameter option %s" % option)
    # onnx reports homogeneous/arity-1 for single and optional parameters too; only variadic ones vary.
    if not parameter.is_homogeneous:
        record["homogeneous"] = False
    if parameter.min_arity != 1:
        record["minArity"] = parameter.min_arity
    return record


class TypeSets:
    """Numbers the distinct allowed-type lists: ~950 constraints share ~120 lists."""

    def __init__(self):
        self.index: dict[tuple[str, ...], int] = {}

    def number(self, types) -> int:
        return self.index.setdefault(tuple(types), len(self.index))

    def lists(self) -> list[list[str]]:
        return [list(types) for types in self.index]


def schema_record(schema, type_sets: TypeSets) -> dict:
    record = {}
    if schema.domain:
        record["domain"] = schema.domain
    record["op"] = schema.name
    record["since"] = schema.since_version
    if schema.deprecated:
        record["deprecated"] = True
    record["minInputs"] = schema.min_input
    if schema.max_input != ONNX_UNBOUNDED:
        record["maxInputs"] = schema.max_input
    record["minOutputs"] = schema.min_output
    if schema.max_output != ONNX_UNBOUNDED:
        record["maxOutputs"] = schema.max_output
    if schema.attributes:
        record["attributes"] = [attribute_record(schema, a) for _, a in sorted(schema.attributes.items())]
    if schema.inputs:
        record["inputs"] = [parameter_record(p) for p in schema.inputs]
    if schema.outputs:
        record["outputs"] = [parameter_record(p) for p in schema.outputs]
    if schema.type_constraints:
        record["typeConstraints"] = [
            {"param": c.type_param_str, "typeSet": type_sets.number(c.allowed_type_strs)}
            for c in schema.type_constraints
        ]
    return record


def compact_json(value) -> str:
    # ASCII only, so the raw string literal needs no care beyond its delimiter.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def swift_string(text: str) -> str:
    return json.dumps(text)  # ASCII with \" and \\ escapes: also a valid Swift string literal here


SWIFT_DECODER = r'''
// MARK: - Decoding

extension OpSchemaTable {
    /// The table does not decode: the generator and this decoder disagree. A programmer error, found by
    /// the first test that touches OpSchemaRegistry.standard.
    struct DecodingFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ json: String) throws -> [OpSchema] {
        let table = try JSONDecoder().decode(Table.self, from: Data(json.utf8))
        return try table.schemas.map { try $0.schema(typeSets: table.typeSets) }
    }

    private struct Table: Decodable {
        let typeSets: [[String]]
        let schemas: [Schema]
    }

    private struct Schema: Decodable {
        let domain: String?
        let op: String
        let since: Int
        let deprecated: Bool?
        let minInputs: Int
        let maxInputs: Int?
        let minOutputs: Int
        let maxOutputs: Int?
        let attributes: [Attribute]?
        let inputs: [Parameter]?
        let outputs: [Parameter]?
        let typeConstraints: [Constraint]?

        func schema(typeSets: [[String]]) throws -> OpSchema {
            OpSchema(
                domain: domain ?? "", name: op, sinceVersion: since, deprecated: deprecated ?? false,
                attributes: try (attributes ?? []).map { try $0.schema(op: op) },
                inputs: try (inputs ?? []).map { try $0.parameter(op: op) },
                outputs: try (outputs ?? []).map { try $0.parameter(op: op) },
                minInputs: minInputs, maxInputs: maxInputs ?? Int.max,
                minOutputs: minOutputs, maxOutputs: maxOutputs ?? Int.max,
                typeConstraints: try (typeConstraints ?? []).map { constraint in
                    guard typeSets.indices.contains(constraint.typeSet) else {
                        throw DecodingFailure(description: "\(op): no type set \(constraint.typeSet)")
                    }
                    return TypeConstraint(
                        typeParameter: constraint.param, allowedTypes: typeSets[constraint.typeSet])
                })
        }
    }

    private struct Attribute: Decodable {
        let name: String
        let type: String
        let required: Bool?
        let `default`: Default?

        func schema(op: String) throws -> AttributeSchema {
            guard let kind = AttributeType.allCases.first(where: { $0.description == type }) else {
                throw DecodingFailure(description: "\(op).\(name): unknown attribute type \(type)")
            }
            return AttributeSchema(
                name: name, type: kind, required: required ?? false, defaultValue: `default`?.value)
        }
    }

    /// A one-key object naming the value's kind: {"int": 1}, {"strings": ["Tanh"]}.
    private struct Default: Decodable {
        let value: AttributeSchema.DefaultValue

        private enum Kind: String, CodingKey {
            case int, float, string, ints, floats, strings
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Kind.self)
            guard container.allKeys.count == 1, let kind = container.allKeys.first else {
                let context = DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: "a default names exactly one kind")
                throw DecodingError.dataCorrupted(context)
            }
            switch kind {
            case .int: value = .int(try container.decode(Int64.self, forKey: kind))
            case .float: value = .float(try container.decode(Float.self, forKey: kind))
            case .string: value = .string(try container.decode(String.self, forKey: kind))
            case .ints: value = .ints(try container.decode([Int64].self, forKey: kind))
            case .floats: value = .floats(try container.decode([Float].self, forKey: kind))
            case .strings: value = .strings(try container.decode([String].self, forKey: kind))
            }
        }
    }

    private struct Parameter: Decodable {
        let name: String
        let type: String
        let option: String?
        let homogeneous: Bool?
        let minArity: Int?

        func parameter(op: String) throws -> FormalParameter {
            let kind: FormalParameter.Option
            switch option {
            case nil: kind = .single
            case "optional": kind = .optional
            case "variadic": kind = .variadic
            case let other?: throw DecodingFailure(description: "\(op).\(name): unknown option \(other)")
            }
            return FormalParameter(
                name: name, typeString: type, option: kind, isHomogeneous: homogeneous ?? true,
                minArity: minArity ?? 1)
        }
    }

    private struct Constraint: Decodable {
        let param: String
        let typeSet: Int
    }
}
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    # generate-protos.sh pins the onnx version; the two generated files must come from the same one.
    protos_script = ROOT / "scripts/generate-protos.sh"
    pinned = protos_script.exists() and re.search(r"ONNX_VERSION:-([0-9.]+)", protos_script.read_text())
    if pinned and pinned.group(1) != onnx.__version__:
        print(
            "warning: onnx %s is installed but scripts/generate-protos.sh pins %s"
            % (onnx.__version__, pinned.group(1)),
            file=sys.stderr,
        )

    by_op = defaultdict(list)
    for schema in onnx.defs.get_all_schemas_with_history():
        if schema.domain not in DOMAINS:
            sys.exit("error: new domain %r: add it to DOMAINS once the registry handles it" % schema.domain)
        by_op[(schema.domain, schema.name)].append(schema)

    # Every domain onnx knows an opset for, including ones without ops (ai.onnx.training), so that
    # latestOpset answers for any domain a model may import. onnx_opset_version() reads the same map.
    version_map = onnx.defs.C.schema_version_map()
    assert version_map[""][1] == onnx.defs.onnx_opset_version()
    assert version_map["ai.onnx.ml"][1] == onnx.defs.onnx_ml_opset_version()

    type_sets = TypeSets()
    lines = []
    counts = {domain: [0, 0] for domain in DOMAINS}
    for domain, name in sorted(by_op, key=lambda key: (DOMAINS.index(key[0]), key[1])):
        versions = sorted(by_op[(domain, name)], key=lambda s: s.since_version)
        lines += [compact_json(schema_record(s, type_sets)) for s in versions]
        counts[domain][0] += 1
        counts[domain][1] += len(versions)
    total = sum(schemas for _, schemas in counts.values())

    json_text = (
        '{"typeSets":[\n'
        + ",\n".join(compact_json(types) for types in type_sets.lists())
        + '\n],\n"schemas":[\n'
        + ",\n".join(lines)
        + "\n]}"
    )
    assert '"""#' not in json_text
    json.loads(json_text)  # the Swift side must be able to read it

    summary = "\n".join(
        "//   %-26s %4d ops, %4d schemas" % (domain or "ai.onnx", ops, schemas)
        for domain, (ops, schemas) in counts.items()
    )
    latest = ",\n".join(
        "        %s: %d" % (swift_string(domain), last) for domain, (_, last) in sorted(version_map.items())
    )

    text = f"""\
// generated by scripts/generate-op-schemas.py from onnx {onnx.__version__} — do not edit.
// Regenerate after changing the onnx version (see docs/op-schemas.md).
{summary}
//
// JSON in a string literal compiles in about a second; the same table as Swift values took 30-100 s
// with -O. One schema per line, so that a diff after an onnx bump shows which op versions changed.
// Omitted keys mean: domain "" (ai.onnx), not deprecated, no maximum count, option single, homogeneous,
// arity 1. typeSet numbers index the typeSets list.

import Foundation

/// The op schemas of onnx {onnx.__version__}; read them through `OpSchemaRegistry.standard`.
enum OpSchemaTable {{
    /// The onnx package the table was generated from.
    static let onnxVersion = {swift_string(onnx.__version__)}

    /// The highest opset version per domain (`onnx.defs.C.schema_version_map()`).
    static let latestOpsets: [String: Int] = [
{latest},
    ]

    /// All {total} schemas, every version of every op; decoded on each call (the registry calls it once).
    static func schemas() -> [OpSchema] {{
        do {{
            return try decode(json)
        }} catch {{
            preconditionFailure("OpSchemaTable.generated.swift does not decode: \\(error)")
        }}
    }}
}}
{SWIFT_DECODER}
// MARK: - Data

extension OpSchemaTable {{
    private static let json = #\"\"\"
{json_text}
\"\"\"#
}}
"""
    args.output.write_text(text)
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print("wrote %s: %d schemas from onnx %s" % (shown, total, onnx.__version__))
    for domain, (ops, schemas) in counts.items():
        print("  %-26s %4d ops, %4d schemas" % (domain or "ai.onnx", ops, schemas))


if __name__ == "__main__":
    main()
