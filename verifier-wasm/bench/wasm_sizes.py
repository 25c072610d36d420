"""Where a .wasm's bytes go: its data segments, then code per crate and the largest
functions, from the module's name section (build it with names: size-breakdown.sh).
Compressed sizes are each function's zlib -9 size alone, an upper bound of its share of
the module's gzip.  Usage: python3 wasm_sizes.py MODULE.wasm [TOP_FUNCTIONS]"""

import collections
import re
import sys
import zlib


def leb128(data, offset):
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, offset


def sections(data):
    offset = 8
    while offset < len(data):
        kind = data[offset]
        size, offset = leb128(data, offset + 1)
        yield kind, data[offset : offset + size]
        offset += size


def imported_functions(body):
    count, offset = leb128(body, 0)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            length, offset = leb128(body, offset)
            offset += length
        kind = body[offset]
        offset += 1
        if kind == 0:  # function: type index
            _, offset = leb128(body, offset)
            functions += 1
        elif kind == 1:  # table: element type, limits
            flags, offset = leb128(body, offset + 1)
            _, offset = leb128(body, offset)
            if flags & 1:
                _, offset = leb128(body, offset)
        elif kind == 2:  # memory: limits
            flags, offset = leb128(body, offset)
            _, offset = leb128(body, offset)
            if flags & 1:
                _, offset = leb128(body, offset)
        elif kind == 3:  # global: type, mutability
            offset += 2
    return functions


def function_names(body):
    length, offset = leb128(body, 0)
    if body[offset : offset + length] != b"name":
        return {}
    offset += length
    names = {}
    while offset < len(body):
        subsection = body[offset]
        size, offset = leb128(body, offset + 1)
        end = offset + size
        if subsection == 1:
            count, cursor = leb128(body, offset)
            for _ in range(count):
                index, cursor = leb128(body, cursor)
                length, cursor = leb128(body, cursor)
                names[index] = body[cursor : cursor + length].decode("utf8", "replace")
                cursor += length
        offset = end
    return names


def crate_of(name):
    found = re.findall(r"(?:^|[<\s&(])_?([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::", name)
    return found[0] if found else name


def main():
    data = open(sys.argv[1], "rb").read()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    imports, names, bodies, data_segments = 0, {}, [], b""
    for kind, body in sections(data):
        if kind == 2:
            imports = imported_functions(body)
        elif kind == 10:
            count, offset = leb128(body, 0)
            for index in range(count):
                size, offset = leb128(body, offset)
                bodies.append((imports + index, body[offset : offset + size]))
                offset += size
        elif kind == 11:
            data_segments = body
        elif kind == 0:
            names.update(function_names(body))
    if not names:
        sys.exit("no function names: build the module with names (size-breakdown.sh)")
    print(
        f"data: {len(data_segments)} B, {len(zlib.compress(data_segments, 9))} B zlib -9"
    )
    raw, packed = collections.Counter(), collections.Counter()
    functions = []
    for index, body in bodies:
        name = names.get(index, f"#{index}")
        raw[crate_of(name)] += len(body)
        packed[crate_of(name)] += len(zlib.compress(body, 9))
        functions.append((len(body), name))
    print(f"code: {sum(raw.values())} B in {len(bodies)} functions\n")
    print("| crate | code B | zlib -9 B (each function alone) |\n|---|---|---|")
    for crate, size in raw.most_common(25):
        print(f"| {crate} | {size} | {packed[crate]} |")
    print(f"\n| largest functions | code B |\n|---|---|")
    for size, name in sorted(functions, reverse=True)[:top]:
        print(f"| `{name[:110]}` | {size} |")


main()
