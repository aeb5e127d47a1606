#pragma once

#include <QCoreApplication>
#include <QHostAddress>
#include <QList>
#include <QUdpSocket>
#include <memory>
#include <vector>

// A UDP port that is free on every one of `addresses` (loopback addresses the test binds), so
// that test runs in parallel (other build trees, ctest -j) do not collide. Chosen from the
// process id below the kernel's ephemeral range; 0 when none is found.
inline quint16 freeUdpPort(const QList<QHostAddress>& addresses) {
    constexpr int kFirst = 20000;
    constexpr int kCount = 12000;
    const int start = int((QCoreApplication::applicationPid() * 7919) % kCount);
    for (int attempt = 0; attempt < 500; ++attempt) {
        const auto port = quint16(kFirst + (start + attempt * 61) % kCount);
        std::vector<std::unique_ptr<QUdpSocket>> held;
        for (const auto& address : addresses) {
            auto socket = std::make_unique<QUdpSocket>();
            if (!socket->bind(address, port, QAbstractSocket::DontShareAddress))
                break;
            held.push_back(std::move(socket));
        }
        if (held.size() == size_t(addresses.size()))
            return port;
    }
    return 0;
}
