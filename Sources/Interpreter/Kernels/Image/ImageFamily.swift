/// The Image kernel family: every registration of the files in this folder — ops that resample, crop,
/// rearrange or select over spatial positions (grid sampling, region pooling, box suppression, unpooling,
/// deformable convolution).
enum ImageFamily {
    static let registrations: [KernelRegistration] =
        GridSampleKernels.registrations
        + AffineGridKernels.registrations
        + Col2ImKernels.registrations
        + CenterCropPadKernels.registrations
        + RoiAlignKernels.registrations
        + NonMaxSuppressionKernels.registrations
        + MaxUnpoolKernels.registrations
        + DeformConvKernels.registrations
}
