import Foundation

/// Rearranging raw element bytes into the form `NpyArray` promises: little-endian, C order.
enum ElementOrder {
    /// Reverses each `unit`-byte group in place (big-endian → little-endian and back). A trailing
    /// partial group cannot occur: callers pass whole elements.
    static func swapBytes(_ data: inout Data, unit: Int) {
        guard unit > 1 else { return }
        data.withUnsafeMutableBytes { bytes in
            var start = 0
            while start + unit <= bytes.count {
                var low = start, high = start + unit - 1
                while low < high {
                    bytes.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                start += unit
            }
        }
    }

    /// Copies Fortran-order (first index fastest) elements into C order (last index fastest).
    /// `data` must hold exactly the product of `shape` elements of `itemSize` bytes; the caller has
    /// checked that, so the strides below cannot overflow.
    static func fortranToC(_ data: Data, shape: [Int], itemSize: Int) -> Data {
        guard shape.count > 1, !data.isEmpty, itemSize > 0 else { return data }
        var strides: [Int] = []
        var stride = 1
        for dimension in shape {
            strides.append(stride)
            stride *= dimension
        }
        var output = Data(count: data.count)
        data.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                copyTransposed(from: source, to: target, shape: shape, strides: strides, itemSize: itemSize)
            }
        }
        return output
    }

    /// Walks the target in C order with an odometer over the indices, keeping the source element offset
    /// (`Σ index[k] × strides[k]`) up to date as each digit turns over.
    private static func copyTransposed(from source: UnsafeRawBufferPointer, to target: UnsafeMutableRawBufferPointer,
                                       shape: [Int], strides: [Int], itemSize: Int) {
        var index = [Int](repeating: 0, count: shape.count)
        var sourceElement = 0
        for targetElement in 0..<(target.count / itemSize) {
            let from = sourceElement * itemSize, to = targetElement * itemSize
            UnsafeMutableRawBufferPointer(rebasing: target[to..<(to + itemSize)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from..<(from + itemSize)]))
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                sourceElement += strides[axis]
                if index[axis] < shape[axis] { break }
                sourceElement -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
