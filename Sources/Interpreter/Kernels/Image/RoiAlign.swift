// RoiAlign (10, 16, 22): pools each region of interest (rois R×4 as x1, y1, x2, y2 in input pixels
// before spatial_scale; batch_indices R) of X (N×C×H×W) into C×output_height×output_width bins. Each bin
// averages (mode avg) or takes the largest of (mode max) sampling_ratio² bilinear samples — or
// ceil(bin size) per axis when sampling_ratio is 0 — placed at the centres of a regular sub-grid.
// 16 adds coordinate_transformation_mode: half_pixel (its default) shifts the region by -0.5 and keeps
// its size; output_half_pixel (the behaviour of 10) does not shift and makes regions at least 1×1.
// 22 widens the types. Sampling follows onnxruntime and the ONNX reference: samples more than one pixel
// outside read 0, others are clamped to the edge; max mode keeps the largest weighted corner of each
// sample, not the interpolated value.

import ONNX

enum RoiAlignKernels {
    static let registrations = KernelRegistration.versions("RoiAlign", [10, 16, 22]) { node in
        let modeName = try node.string("mode", default: "avg")
        guard modeName == "avg" || modeName == "max" else { throw KernelError("RoiAlign: mode '\(modeName)' is not avg or max") }
        let transform = node.opset >= 16 ? try node.string("coordinate_transformation_mode", default: "half_pixel") : "output_half_pixel"
        guard transform == "half_pixel" || transform == "output_half_pixel" else {
            throw KernelError("RoiAlign: coordinate_transformation_mode '\(transform)' is not half_pixel or output_half_pixel")
        }
        let options = RoiAlignKernel.Options(
            isMax: modeName == "max", halfPixel: transform == "half_pixel",
            outputHeight: try node.int("output_height", default: 1), outputWidth: try node.int("output_width", default: 1),
            samplingRatio: try node.int("sampling_ratio", default: 0),
            spatialScale: Double(try node.float("spatial_scale", default: 1)))
        guard options.outputHeight >= 1, options.outputWidth >= 1, options.samplingRatio >= 0 else {
            throw KernelError("RoiAlign: output sizes must be positive and sampling_ratio not negative")
        }
        return RoiAlignKernel(options: options)
    }
}

struct RoiAlignKernel: Kernel {
    struct Options: Sendable {
        var isMax: Bool
        var halfPixel: Bool
        var outputHeight: Int
        var outputWidth: Int
        var samplingRatio: Int
        var spatialScale: Double
    }

    let options: Options

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "RoiAlign")
        let x = try args.tensor(0, "X"), rois = try args.tensor(1, "rois")
        let batch = try ShapeInputs.ints(try args.tensor(2, "batch_indices"), "batch_indices")
        guard x.rank == 4, rois.rank == 2, rois.shape[1] == 4, batch.count == rois.shape[0] else {
            throw KernelError("RoiAlign: X must be N×C×H×W, rois R×4 and batch_indices R; got \(x.shape), \(rois.shape), \(batch.count)")
        }
        if let bad = batch.first(where: { $0 < 0 || $0 >= x.shape[0] }) {
            throw KernelError("RoiAlign: batch index \(bad) is out of range for \(x.shape[0]) images")
        }
        guard let boxes = rois.doubles(), boxes.allSatisfy({ $0.isFinite }) else {
            throw KernelError("RoiAlign: rois must be finite numbers")
        }
        return [.tensor(try ImageSupport.run(Job(x: x, boxes: boxes, batch: batch, options: options), as: x.dataType))]
    }

    /// One bilinear sample: four plane offsets and their weights (all zero outside the input).
    struct Sample {
        var offsets: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var weights: (Double, Double, Double, Double) = (0, 0, 0, 0)
    }

    struct Job: FloatingComputation {
        let x: TensorValue
        let boxes: [Double]
        let batch: [Int]
        let options: Options

        func compute<T: ComputeFloat>(_: T.Type) throws -> (shape: [Int], values: [T]) {
            let xv = try ImageSupport.floating(x, "RoiAlign", as: T.self)
            let c = x.shape[1], plane = x.shape[2] * x.shape[3]
            let (oh, ow) = (options.outputHeight, options.outputWidth)
            var y = [T](repeating: 0, count: batch.count * c * oh * ow)
            for roi in 0..<batch.count {
                let (samples, perBin) = try self.samples(Array(boxes[(roi * 4)..<(roi * 4 + 4)]), height: x.shape[2], width: x.shape[3])
                for ch in 0..<c {
                    let base = (batch[roi] * c + ch) * plane
                    for bin in 0..<(oh * ow) {
                        let taken = samples[(bin * perBin)..<((bin + 1) * perBin)]
                        y[(roi * c + ch) * oh * ow + bin] = T(pool(taken, xv, base))
                    }
                }
            }
            return ([batch.count, c, oh, ow], y)
        }

        private func pool<T: ComputeFloat>(_ samples: ArraySlice<Sample>, _ x: [T], _ base: Int) -> Double {
            func value(_ s: Sample) -> (Double, Double, Double, Double) {
                (s.weights.0 * Double(x[base + s.offsets.0]), s.weights.1 * Double(x[base + s.offsets.1]),
                 s.weights.2 * Double(x[base + s.offsets.2]), s.weights.3 * Double(x[base + s.offsets.3]))
            }
            if options.isMax {
                var best = -Double.infinity
                for s in samples {
                    let v = value(s)
                    best = Swift.max(best, v.0, v.1, v.2, v.3)
                }
                return samples.isEmpty ? 0 : best
            }
            var sum = 0.0
            for s in samples {
                let v = value(s)
                sum += v.0 + v.1 + v.2 + v.3
            }
            return sum / Double(Swift.max(samples.count, 1))
        }

        /// The samples of every bin of one region, bin after bin, and how many each bin has.
        private func samples(_ box: [Double], height: Int, width: Int) throws -> ([Sample], Int) {
            let shift = options.halfPixel ? 0.5 : 0
            let startW = box[0] * options.spatialScale - shift, startH = box[1] * options.spatialScale - shift
            var roiW = box[2] * options.spatialScale - shift - startW
            var roiH = box[3] * options.spatialScale - shift - startH
            if !options.halfPixel {
                roiW = Swift.max(roiW, 1)
                roiH = Swift.max(roiH, 1)
            }
            let binH = roiH / Double(options.outputHeight), binW = roiW / Double(options.outputWidth)
            let gridH = try Self.gridCount(options.samplingRatio, bin: binH)
            let gridW = try Self.gridCount(options.samplingRatio, bin: binW)
            var samples: [Sample] = []
            samples.reserveCapacity(options.outputHeight * options.outputWidth * gridH * gridW)
            for ph in 0..<options.outputHeight {
                for pw in 0..<options.outputWidth {
                    for iy in 0..<gridH {
                        let yy = startH + Double(ph) * binH + (Double(iy) + 0.5) * binH / Double(gridH)
                        for ix in 0..<gridW {
                            let xx = startW + Double(pw) * binW + (Double(ix) + 0.5) * binW / Double(gridW)
                            samples.append(Self.sample(y: yy, x: xx, height: height, width: width))
                        }
                    }
                }
            }
            return (samples, gridH * gridW)
        }

        /// Samples per bin along one axis: sampling_ratio, or the bin size rounded up.
        private static func gridCount(_ ratio: Int, bin: Double) throws -> Int {
            if ratio > 0 { return ratio }
            let count = Swift.max(bin, 0).rounded(.up)
            guard count <= 4096 else { throw KernelError("RoiAlign: a bin of \(bin) pixels needs too many samples; set sampling_ratio") }
            return Int(count)
        }

        /// Bilinear weights at (y, x); zero more than one pixel outside, clamped to the edge otherwise.
        static func sample(y: Double, x: Double, height: Int, width: Int) -> Sample {
            guard y >= -1, y <= Double(height), x >= -1, x <= Double(width), height > 0, width > 0 else { return Sample() }
            let (yLow, yHigh, ly) = corner(Swift.max(y, 0), size: height)
            let (xLow, xHigh, lx) = corner(Swift.max(x, 0), size: width)
            let (hy, hx) = (1 - ly, 1 - lx)
            return Sample(offsets: (yLow * width + xLow, yLow * width + xHigh, yHigh * width + xLow, yHigh * width + xHigh),
                          weights: (hy * hx, hy * lx, ly * hx, ly * lx))
        }

        /// The lower and upper index around `v` (both the last index at the far edge) and the fraction.
        private static func corner(_ v: Double, size: Int) -> (Int, Int, Double) {
            let low = Int(v)
            if low >= size - 1 { return (size - 1, size - 1, 0) }
            return (low, low + 1, v - Double(low))
        }
    }
}
