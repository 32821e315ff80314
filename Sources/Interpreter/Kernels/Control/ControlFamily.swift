/// The Control kernel family: every registration of the files in this folder.
enum ControlFamily {
    static let registrations: [KernelRegistration] =
        IfKernels.registrations
        + LoopKernels.registrations
        + ScanKernels.registrations
        + RNNKernels.registrations
        + GRUKernels.registrations
        + LSTMKernels.registrations
        + ResizeKernels.registrations
        + UpsampleKernels.registrations
        + AttentionKernels.registrations
        + SequenceKernels.registrations
        + SequenceMapKernels.registrations
        + OptionalKernels.registrations
        + QuantizationKernels.registrations
        + QLinearConvKernels.registrations
        + ConvIntegerKernels.registrations
        + LinearAttentionKernels.registrations
        + CausalConvWithStateKernels.registrations
        + FlexAttentionKernels.registrations
        + TensorScatterKernels.registrations
}
