#!/usr/bin/env bash
# Regenerates Sources/ONNX/Proto/onnx.pb.swift and onnx-data.pb.swift (SequenceProto, MapProto,
# OptionalProto: the backend test suite's non-tensor values) from the .proto files shipped in the `onnx`
# PyPI wheel.
# Run it when the onnx version this project follows changes (together with scripts/generate-op-schemas.py).
# Needs: protoc (apt: protobuf-compiler) and protoc-gen-swift built from the swift-protobuf version that
# Package.swift pins (set PROTOC_GEN_SWIFT, or let this script build it into .build-protoc).
set -euo pipefail
cd "$(dirname "$0")/.."
onnx_version="${ONNX_VERSION:-1.23.2}"
proto_dir=Sources/ONNX/Proto

if [ -z "${ONNX_PROTO:-}" ]; then
  venv=.build-protoc/venv
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "onnx==$onnx_version"
  ONNX_PROTO=$("$venv/bin/python" -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "onnx.proto"))')
fi
cp "$ONNX_PROTO" "$proto_dir/onnx.proto"
# onnx-data.proto imports onnx-ml.proto, which differs from onnx.proto only in a comment.
sed 's|import "onnx/onnx-ml.proto";|import "onnx.proto";|' "$(dirname "$ONNX_PROTO")/onnx-data.proto" \
  > "$proto_dir/onnx-data.proto"

if [ -z "${PROTOC_GEN_SWIFT:-}" ]; then
  swpb_version=$(sed -n 's/.*swift-protobuf", from: "\([0-9.]*\)".*/\1/p' Package.swift)
  src=.build-protoc/swift-protobuf
  [ -d "$src" ] || git clone -q https://github.com/apple/swift-protobuf "$src"
  git -C "$src" checkout -q "$swpb_version"
  swift build -c release --package-path "$src" --product protoc-gen-swift
  PROTOC_GEN_SWIFT="$src/.build/release/protoc-gen-swift"
fi

protoc --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
  --swift_opt=Visibility=Public --swift_out="$proto_dir" -I "$proto_dir" "$proto_dir/onnx.proto" "$proto_dir/onnx-data.proto"
echo "wrote $proto_dir/onnx.pb.swift and onnx-data.pb.swift from onnx $onnx_version"
