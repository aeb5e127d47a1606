// lifeline-keepalive — the userw supervisor (see ../README.md, "userw and lifeline-keepalive").
//
//   lifeline-keepalive --timeout MS --fd N [--action reset|panic|shutdown|reboot]
//                      [--power real|sandbox:CMD]
//
// Started by lifelined (KeepaliveClient) with one end of a socketpair as fd N. Every byte
// lifelined writes re-arms a CLOCK_MONOTONIC deadline of MS; when the deadline passes, or the
// channel ends without the stop byte (lifelined died), it performs the final action (default
// reset) and says why in one line on stderr. The stop byte ends it without action.
// Exit status: 0 stopped, 2 usage, 3 final action taken (sandbox), 4 final action failed.

#include "KeepaliveProtocol.h"
#include "Supervisor.h"

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    using namespace lifeline::keepalive;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::printf("usage: lifeline-keepalive --timeout MS --fd N [--action "
                        "reset|panic|shutdown|reboot] [--power real|sandbox:CMD]\n");
            return 0;
        }
    }
    std::string error;
    auto options = Options::parse(argc, argv, &error);
    if (!options) {
        std::fprintf(stderr, "lifeline-keepalive: %s\n", error.c_str());
        return kExitUsage;
    }
    Supervisor supervisor(std::move(*options));
    supervisor.prepare();
    return supervisor.run();
}
