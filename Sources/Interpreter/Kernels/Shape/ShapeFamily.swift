/// The Shape kernel family: every registration of the files in this folder — ops that create, view,
/// move or select elements (plus the few that look at values to pick them: TopK, ArgMax/ArgMin,
/// Unique, CumSum/CumProd, Det). Element moves are written once over every storage case (ShapeSupport.swift).
enum ShapeFamily {
    static let registrations: [KernelRegistration] =
        ConstantKernels.registrations
        + ShapeOfKernels.registrations
        + ReshapeKernels.registrations
        + SqueezeKernels.registrations
        + TransposeKernels.registrations
        + ConcatKernels.registrations
        + SplitKernels.registrations
        + SliceKernels.registrations
        + GatherKernels.registrations
        + ScatterKernels.registrations
        + ExpandKernels.registrations
        + PadKernels.registrations
        + RangeKernels.registrations
        + NonZeroKernels.registrations
        + TopKKernels.registrations
        + ArgMinMaxKernels.registrations
        + CumulativeScanKernels.registrations
        + DepthSpaceKernels.registrations
        + OneHotKernels.registrations
        + TriluKernels.registrations
        + CompressKernels.registrations
        + ReverseSequenceKernels.registrations
        + EyeLikeKernels.registrations
        + DropoutKernels.registrations
        + UniqueKernels.registrations
        + DetKernels.registrations
}
