// Fuzz target for the clp.conf loader: parse, read, validate, write back and
// serialize arbitrary bytes. Built as a libFuzzer binary by the clang sub-build
// (tests/fuzz/CMakeLists.txt) and as a corpus replayer in the normal build.

#include "ConfigReader.h"
#include "ConfigWriter.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    auto loaded = lifeline::config::parseConfig(bytes, QStringLiteral("fuzz"));
    // A document that did not load must say why.
    if (!loaded.document && !loaded.diagnostics.hasErrors())
        __builtin_trap();
    if (loaded.document) {
        lifeline::config::writeConfig(loaded.config, *loaded.document);
        (void)loaded.document->serialize();
    }
    return 0;
}
