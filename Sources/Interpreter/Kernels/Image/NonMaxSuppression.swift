// NonMaxSuppression (10, 11): greedy box selection per (batch, class). boxes is B×n×4 — corners
// [y1, x1, y2, x2] in either order (center_point_box 0) or [x_center, y_center, width, height]
// (center_point_box 1); scores B×classes×n. Boxes scoring above score_threshold (when given) are taken in
// descending score order (ties: lower index first); one is kept unless its IoU with a box already kept
// for that class exceeds iou_threshold, up to max_output_boxes_per_class (absent: 0, so nothing). The
// output lists [batch, class, box] rows as int64, batch-major then class. 11 only clarifies the corner
// order, so both versions share the kernel.

import ONNX

enum NonMaxSuppressionKernels {
    static let registrations = KernelRegistration.versions("NonMaxSuppression", [10, 11]) { node in
        let center = try node.int("center_point_box", default: 0)
        guard center == 0 || center == 1 else { throw KernelError("NonMaxSuppression: center_point_box must be 0 or 1, got \(center)") }
        return NonMaxSuppressionKernel(centerPointBox: center == 1)
    }
}

struct NonMaxSuppressionKernel: Kernel {
    let centerPointBox: Bool

    /// A box as its extent on each axis, in the boxes' precision (IoU at the threshold must compare as
    /// the reference's float32 does).
    struct Box<T: ComputeFloat> {
        var yMin, xMin, yMax, xMax: T
        var area: T { (yMax - yMin) * (xMax - xMin) }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let args = ComputeInputs(inputs, op: "NonMaxSuppression")
        let boxesTensor = try args.tensor(0, "boxes"), scoresTensor = try args.tensor(1, "scores")
        guard boxesTensor.rank == 3, boxesTensor.shape[2] == 4, scoresTensor.rank == 3,
              scoresTensor.shape[0] == boxesTensor.shape[0], scoresTensor.shape[2] == boxesTensor.shape[1] else {
            throw KernelError("NonMaxSuppression: boxes must be B×n×4 and scores B×classes×n; got \(boxesTensor.shape), \(scoresTensor.shape)")
        }
        guard let scores = scoresTensor.doubles() else {
            throw KernelError("NonMaxSuppression: scores must be numeric, got \(scoresTensor.dataType)")
        }
        let limit = try firstValue(args, 2, "max_output_boxes_per_class").map { max(Int(exactly: $0.rounded(.towardZero)) ?? Int.max, 0) } ?? 0
        let iou = try firstValue(args, 3, "iou_threshold") ?? 0
        let scoreThreshold = try firstValue(args, 4, "score_threshold")
        let rows = boxesTensor.dataType == .double
            ? try selectAll(Double.self, boxesTensor, scores, scoresTensor.shape, limit: limit, iou: iou, threshold: scoreThreshold)
            : try selectAll(Float.self, boxesTensor, scores, scoresTensor.shape, limit: limit, iou: iou, threshold: scoreThreshold)
        return [.tensor(TensorValue(shape: [rows.count / 3, 3], values: rows))]
    }

    /// [batch, class, box] rows of every (batch, class), flattened.
    private func selectAll<T: ComputeFloat>(_: T.Type, _ boxesTensor: TensorValue, _ scores: [Double], _ shape: [Int],
                                            limit: Int, iou: Double, threshold: Double?) throws -> [Int64] {
        let coordinates = try T.values(of: boxesTensor)
        let (batches, classes, n) = (shape[0], shape[1], shape[2])
        var rows: [Int64] = []
        for b in 0..<batches {
            let boxes = (0..<n).map { box(Array(coordinates[((b * n + $0) * 4)..<((b * n + $0) * 4 + 4)])) }
            for c in 0..<classes {
                let classScores = scores[((b * classes + c) * n)..<((b * classes + c + 1) * n)]
                for kept in select(boxes, scores: Array(classScores), limit: limit, iou: T(iou), threshold: threshold) {
                    rows += [Int64(b), Int64(c), Int64(kept)]
                }
            }
        }
        return rows
    }

    /// The first element of an optional scalar input (nil when absent or empty).
    private func firstValue(_ args: ComputeInputs, _ index: Int, _ name: String) throws -> Double? {
        guard let t = try args.optionalTensor(index, name) else { return nil }
        guard let v = t.doubles() else { throw KernelError("NonMaxSuppression: \(name) must be numeric, got \(t.dataType)") }
        return v.first
    }

    private func box<T: ComputeFloat>(_ v: [T]) -> Box<T> {
        if centerPointBox {
            return Box(yMin: v[1] - v[3] / 2, xMin: v[0] - v[2] / 2, yMax: v[1] + v[3] / 2, xMax: v[0] + v[2] / 2)
        }
        return Box(yMin: min(v[0], v[2]), xMin: min(v[1], v[3]), yMax: max(v[0], v[2]), xMax: max(v[1], v[3]))
    }

    /// Box indices kept for one class, in the order they were chosen.
    private func select<T: ComputeFloat>(_ boxes: [Box<T>], scores: [Double], limit: Int, iou: T, threshold: Double?) -> [Int] {
        var candidates = Array(scores.indices)
        if let threshold { candidates.removeAll { !(scores[$0] > threshold) } }
        candidates.sort { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        var kept: [Int] = []
        for i in candidates {
            if kept.count >= limit { break }
            if kept.allSatisfy({ !Self.overlaps(boxes[i], boxes[$0], above: iou) }) { kept.append(i) }
        }
        return kept
    }

    /// Whether the intersection over union of two boxes exceeds `threshold` (degenerate boxes never do).
    static func overlaps<T: ComputeFloat>(_ a: Box<T>, _ b: Box<T>, above threshold: T) -> Bool {
        let height = min(a.yMax, b.yMax) - max(a.yMin, b.yMin)
        let width = min(a.xMax, b.xMax) - max(a.xMin, b.xMin)
        guard height > 0, width > 0 else { return false }
        let intersection = height * width
        let union = a.area + b.area - intersection
        guard a.area > 0, b.area > 0, union > 0 else { return false }
        return intersection / union > threshold
    }
}
