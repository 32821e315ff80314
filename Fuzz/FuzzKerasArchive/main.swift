// libFuzzer target: any bytes as a Keras .keras zip (config.json, metadata.json, model.weights.h5 read in
// place or inflated), loaded and converted in a forked child (ContainedFuzzing): a crash or hang inside
// libhdf5 is contained as in the product, one outside it is a finding. Built only by `make fuzz`.
import FuzzSupport

KerasFileFuzzing.main(target: "FuzzKerasArchive", suffix: ".keras")
