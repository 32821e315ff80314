/// The Training kernel family: every registration of the files in this folder — the losses
/// (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss) and the optimizer steps of the
/// `ai.onnx.preview.training` domain (Adagrad, Adam, Momentum).
enum TrainingFamily {
    static let registrations: [KernelRegistration] =
        NegativeLogLikelihoodLossKernels.registrations
        + SoftmaxCrossEntropyLossKernels.registrations
        + AdagradKernels.registrations
        + AdamKernels.registrations
        + MomentumKernels.registrations
}
