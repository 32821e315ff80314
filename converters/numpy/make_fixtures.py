"""Write the .npy / .npz fixtures the Swift NumPy module's tests read (testdata/numpy/).

Run from the repository root with the pinned numpy (converters/numpy/requirements.txt):

    python3 -m venv /tmp/venv-numpy && /tmp/venv-numpy/bin/pip install -r converters/numpy/requirements.txt
    /tmp/venv-numpy/bin/python converters/numpy/make_fixtures.py

Every array's values follow a formula in k = 0, 1, …, 23 (the C-order element index), given in FORMULAS
below and restated in Tests/NumPyTests/Fixtures.swift, so the tests check the decoded numbers against
values computed independently of the reader under test. Output is deterministic: rerunning the script
rewrites identical files.
"""

import os
import sys
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "numpy")
SHAPE = (2, 3, 4)
K = np.arange(24)

# dtype name -> values for k = 0..23. Exact in every listed dtype, and computed the same way in Swift:
# integer arithmetic, or one correctly rounded float64 division.
FORMULAS = {
    "bool": K % 3 == 0,
    "int8": K - 12,
    "int16": (K - 12) * 1000,
    "int32": (K - 12) * 100_000,
    "int64": (K - 12) * 2**40,
    "uint8": K * 10,
    "uint16": K * 2000,
    "uint32": K * 100_000_000,
    "uint64": K.astype(np.uint64) * np.uint64(2**59),
    "float16": (K - 12) / 4,
    "float32": (K - 12) / 4,
    "float64": (K - 12) / 3,
    # Complex: real part (k - 12) / 4; imaginary part k / 2 (complex64), k / 3 (complex128).
    "complex64": (K - 12) / 4 + 1j * (K / 2),
    "complex128": (K - 12) / 4 + 1j * (K / 3),
}


def values(name, dtype=None):
    """The formula's values for `name`, shaped SHAPE, as `dtype` (default: the name itself)."""
    return FORMULAS[name].astype(dtype or name).reshape(SHAPE)


def save(name, array):
    np.save(os.path.join(OUT, name), array)


def write_with_version(name, array, version):
    with open(os.path.join(OUT, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version)


def write_npz(name, arrays, compressed):
    # numpy writes members through ZipFile.open(name, "w") with force_zip64, so each local header has a
    # ZIP64 extra field and the default 1980-01-01 date: the bytes are the same on every run.
    (np.savez_compressed if compressed else np.savez)(os.path.join(OUT, name), **arrays)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in FORMULAS:
        save(f"dtype_{name}.npy", values(name))

    # Big-endian files: the reader must swap to little-endian (complex: each float separately).
    save("big_endian_i4.npy", values("int32", ">i4"))
    save("big_endian_f8.npy", values("float64", ">f8"))
    save("big_endian_c8.npy", values("complex64", ">c8"))
    # Fortran order: stored first-index-fastest; decoded it must equal the C-order formula.
    save("fortran_i2.npy", np.asfortranarray(values("int16")))
    save("fortran_f4_2d.npy", np.asfortranarray(FORMULAS["float32"].astype("<f4").reshape(4, 6)))
    # Shapes without the usual elements.
    save("scalar_f8.npy", np.array(2.5, dtype="<f8"))
    save("empty_f4.npy", np.zeros((0, 3), dtype="<f4"))
    save("empty_i8_middle.npy", np.zeros((2, 0, 4), dtype="<i8"))
    # Later format versions, written explicitly (np.save only uses them when it has to).
    write_with_version("version2_f4.npy", values("float32"), (2, 0))
    write_with_version("version3_i8.npy", values("int64"), (3, 0))
    # Dtypes the reader must refuse with a clear error.
    save("unsupported_unicode.npy", np.array(["ab", "cde"]))
    save("unsupported_structured.npy", np.zeros(2, dtype=[("x", "<i4"), ("y", "<f4")]))

    arrays = {"weights": values("float32"), "bias": values("int64"), "flag": values("bool")}
    write_npz("savez.npz", arrays, compressed=False)
    write_npz("savez_compressed.npz", arrays, compressed=True)
    with zipfile.ZipFile(os.path.join(OUT, "not_npy_member.npz"), "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", (2000, 1, 1, 0, 0, 0)), "not an array\n")

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"numpy {np.__version__}: wrote {len(os.listdir(OUT))} files, {total} bytes to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
