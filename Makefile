# onnx-convert — the two commands of the README set everything up on a fresh Debian machine:
#   make demo   builds the release binary, inspects a bundled model and runs it on the interpreter
#   make test   builds and runs all tests
SWIFT ?= swift
TOOL := .build/release/onnx-convert
DEMO_MODEL := testdata/onnx/cnn.onnx

.PHONY: deps build release test demo bench roundtrip conformance docs fuzz clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product onnx-convert

test: deps
	$(SWIFT) test

demo: release
	$(TOOL) inspect $(DEMO_MODEL)
	$(TOOL) run $(DEMO_MODEL) --repeat 20
	@mkdir -p out
	$(TOOL) keras testdata/keras/k3/cnn.keras -o out/cnn_keras.onnx --reference testdata/keras/k3/cnn.io.npz

# Every model of onnx's backend node suite must survive `optimize --rules none` unchanged.
roundtrip: release
	scripts/roundtrip-node-suite.sh $(TOOL)

# The interpreter on onnx's backend node suite; fails below the floor in conformance-floor.txt.
conformance: release
	scripts/conformance.sh $(TOOL)

# Speed and memory figures, side by side with the onnx Python package, onnxruntime and tf2onnx. The Keras
# conversion bench skips (with a message, not a failure) what needs the Keras or tf2onnx venv when it is absent.
bench: release
	"$$(scripts/python-env.sh onnx converters/onnx/requirements.txt)" bench/io_bench.py $(TOOL)
	scripts/latency-bench.sh $(TOOL)
	python3 bench/keras_convert_bench.py $(TOOL)

# Every reader's libFuzzer target for SECONDS each (default 60), seeded from testdata/; fails on any
# crash, hang or allocation over the budget (scripts/fuzz.sh; findings in .cache/fuzz/findings).
SECONDS ?= 60
fuzz: deps
	scripts/fuzz.sh $(SECONDS)

# Pages generated from the registries (a test fails when they are stale).
docs: release
	$(TOOL) supported keras > docs/keras-layers.md

clean:
	rm -rf .build .cache
