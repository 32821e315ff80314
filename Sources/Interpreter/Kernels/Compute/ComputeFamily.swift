/// The Compute kernel family: every registration of the files in this folder.
enum ComputeFamily {
    static let registrations: [KernelRegistration] =
        MatMulKernels.registrations
        + GemmKernels.registrations
        + ConvKernels.registrations
        + ConvTransposeKernels.registrations
        + PoolKernels.registrations
        + GlobalPoolKernels.registrations
        + BatchNormalizationKernels.registrations
        + LayerNormalizationKernels.registrations
        + GroupNormalizationKernels.registrations
        + InstanceNormalizationKernels.registrations
        + LRNKernels.registrations
        + MeanVarianceNormalizationKernels.registrations
        + ReduceKernels.registrations
        + SoftmaxKernels.registrations
        + EinsumKernels.registrations
        + RMSNormalizationKernels.registrations
        + LpNormalizationKernels.registrations
        + SwiGLUKernels.registrations
        + RotaryEmbeddingKernels.registrations
}
