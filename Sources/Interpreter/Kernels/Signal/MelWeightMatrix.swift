// MelWeightMatrix (17): the [dft_length/2 + 1, num_mel_bins] matrix that maps a onesided magnitude
// spectrum to mel bands. The band edges are num_mel_bins + 2 points evenly spaced in mel
// (2595·log10(1 + f/700)) from lower_edge_hertz to upper_edge_hertz — the step being the mel span over
// num_mel_bins + 2, as the ONNX reference and test data have it — mapped back to hertz and to spectrogram
// bins ⌊(dft_length + 1)·f / sample_rate⌋. Band i is a triangle rising from edge i to edge i+1 and
// falling to edge i+2 (a band whose rise is empty is 1 at its centre). output_datatype defaults to float.

import Foundation
import ONNX

enum MelWeightMatrixKernels {
    static let registrations = KernelRegistration.versions("MelWeightMatrix", [17]) { node in
        let type = try SignalSupport.outputType(node)
        return ClosureKernel { inputs, _ in
            let bands = try ShapeInputs.scalarInt(inputs, 0, "num_mel_bins")
            let length = try ShapeInputs.scalarInt(inputs, 1, "dft_length")
            let rate = try ShapeInputs.scalarInt(inputs, 2, "sample_rate")
            let lower = try SignalSupport.scalarReal(inputs, 3, "lower_edge_hertz")
            let upper = try SignalSupport.scalarReal(inputs, 4, "upper_edge_hertz")
            guard bands >= 1, length >= 1, rate >= 1, lower.isFinite, upper.isFinite, lower >= 0, upper >= lower else {
                throw KernelError("MelWeightMatrix: needs positive num_mel_bins, dft_length and sample_rate and 0 ≤ lower_edge_hertz ≤ upper_edge_hertz")
            }
            let bins = length / 2 + 1
            // Both sizes are data; the matrix is computed in Double.
            try ShapeMath.checkedCount([bins, bands], elementSize: MemoryLayout<Double>.stride, of: "MelWeightMatrix output")
            let edges = try bandEdges(bands: bands, length: length, rate: rate, lower: lower, upper: upper)
            var matrix = [Double](repeating: 0, count: bins * bands)
            for i in 0..<bands {
                let (left, centre, right) = (edges[i], edges[i + 1], edges[i + 2])
                guard left >= 0, centre < bins, right <= bins else {
                    throw KernelError("MelWeightMatrix: band \(i) reaches bin \(right), beyond the \(bins) spectrogram bins")
                }
                if centre == left {
                    matrix[centre * bands + i] = 1
                } else {
                    for j in left...centre { matrix[j * bands + i] = Double(j - left) / Double(centre - left) }
                }
                for j in centre..<max(right, centre) { matrix[j * bands + i] = Double(right - j) / Double(right - centre) }
            }
            return [.tensor(try SignalSupport.tensor(type, shape: [bins, bands], values: matrix))]
        }
    }

    /// The num_mel_bins + 2 band edges as spectrogram bin indices.
    static func bandEdges(bands: Int, length: Int, rate: Int, lower: Double, upper: Double) throws -> [Int] {
        let lowMel = 2595 * log1p(lower / 700) / log(10.0), highMel = 2595 * log1p(upper / 700) / log(10.0)
        let step = (highMel - lowMel) / Double(bands + 2)
        return try (0..<(bands + 2)).map { k in
            let hertz = 700 * expm1((Double(k) * step + lowMel) / 2595 * log(10.0))
            let bin = (Double(length + 1) * hertz / Double(rate)).rounded(.down)
            guard let index = Int(exactly: bin) else { throw KernelError("MelWeightMatrix: band edge \(hertz) Hz is out of range") }
            return index
        }
    }
}
