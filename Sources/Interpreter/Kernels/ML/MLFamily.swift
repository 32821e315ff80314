/// The ML kernel family: operators of the `ai.onnx.ml` domain (classic machine-learning models such as
/// scikit-learn converts: encoders, feature extraction, tree ensembles).
enum MLFamily {
    static let domain = "ai.onnx.ml"

    static let registrations: [KernelRegistration] =
        LabelEncoderKernels.registrations
        + TreeEnsembleKernels.registrations
        + ArrayFeatureExtractorKernels.registrations
        + BinarizerKernels.registrations
}
