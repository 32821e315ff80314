/// The Text kernel family: the string ops of ai.onnx (normalising, splitting, concatenating, matching)
/// and the n-gram counter TfIdfVectorizer.
enum TextFamily {
    static let registrations: [KernelRegistration] =
        StringNormalizerKernels.registrations
        + StringSplitKernels.registrations
        + StringConcatKernels.registrations
        + RegexFullMatchKernels.registrations
        + TfIdfVectorizerKernels.registrations
}
