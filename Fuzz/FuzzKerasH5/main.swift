// libFuzzer target: any bytes as a Keras .h5 model file (HDF5: the config attribute and model_weights),
// loaded and converted in a forked child (ContainedFuzzing): a crash or hang inside libhdf5 is contained as
// in the product, one outside it is a finding. Built only by `make fuzz`.
import FuzzSupport

KerasFileFuzzing.main(target: "FuzzKerasH5", suffix: ".h5")
