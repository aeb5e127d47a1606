// The heartbeat packet codec: layout, round trip, and that nothing altered or foreign passes.

#include "HeartbeatPacket.h"

#include <QTest>
#include <QtEndian>

using namespace lifeline::hb;
using Result = HeartbeatPacket::DecodeResult;

namespace lifeline::hb {
// Readable QCOMPARE failures.
char* toString(HeartbeatPacket::DecodeResult result) {
    return qstrdup(qPrintable(describe(result)));
}
} // namespace lifeline::hb

namespace {

const QByteArray kKey = QByteArray(32, '\x5a');

HeartbeatPacket samplePacket() {
    HeartbeatPacket packet;
    packet.clusterName = QStringLiteral("cluster1");
    packet.senderName = QStringLiteral("server2");
    packet.incarnation = 0x0102030405060708ULL;
    packet.sequence = 0x1112131415161718ULL;
    packet.configHash = QByteArray(32, '\x33');
    packet.state = HeartbeatPacket::Online;
    packet.flags = 0;
    return packet;
}

} // namespace

class TestHeartbeatPacket : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        HeartbeatPacket packet = samplePacket();
        packet.flags = HeartbeatPacket::kFlagLeaving;
        packet.state = HeartbeatPacket::Suspended;
        const QByteArray bytes = packet.encode(kKey);
        QCOMPARE(bytes.size(), HeartbeatPacket::kMinSize - 2 + 8 + 7);
        HeartbeatPacket decoded;
        QCOMPARE(HeartbeatPacket::decode(bytes, "cluster1", kKey, &decoded), Result::Ok);
        QCOMPARE(decoded.clusterName, packet.clusterName);
        QCOMPARE(decoded.senderName, packet.senderName);
        QCOMPARE(decoded.incarnation, packet.incarnation);
        QCOMPARE(decoded.sequence, packet.sequence);
        QCOMPARE(decoded.configHash, packet.configHash);
        QCOMPARE(decoded.state, quint8(HeartbeatPacket::Suspended));
        QVERIFY(decoded.leaving());
    }

    void longAndNonAsciiNamesRoundTrip() {
        HeartbeatPacket packet = samplePacket();
        packet.clusterName = QString(HeartbeatPacket::kMaxNameBytes, QLatin1Char('c'));
        packet.senderName = QStringLiteral("サーバー1"); // 3 bytes a character in UTF-8
        const QByteArray bytes = packet.encode(kKey);
        QCOMPARE(bytes.size(), HeartbeatPacket::kMinSize - 2 + 255 + 13);
        HeartbeatPacket decoded;
        QCOMPARE(HeartbeatPacket::decode(bytes, packet.clusterName, kKey, &decoded), Result::Ok);
        QCOMPARE(decoded.senderName, packet.senderName);
        packet.senderName = packet.clusterName;
        QCOMPARE(packet.encode(kKey).size(), HeartbeatPacket::kMaxSize);
    }

    // The table in hb/README.md.
    void wireLayout() {
        const QByteArray bytes = samplePacket().encode(kKey);
        QCOMPARE(bytes.left(4), QByteArray("LLHB"));
        QCOMPARE(quint8(bytes[4]), quint8(1));
        QCOMPARE(quint8(bytes[5]), quint8(8));
        QCOMPARE(bytes.mid(6, 8), QByteArray("cluster1"));
        QCOMPARE(quint8(bytes[14]), quint8(7));
        QCOMPARE(bytes.mid(15, 7), QByteArray("server2"));
        QCOMPARE(qFromBigEndian<quint64>(bytes.constData() + 22), 0x0102030405060708ULL);
        QCOMPARE(qFromBigEndian<quint64>(bytes.constData() + 30), 0x1112131415161718ULL);
        QCOMPARE(bytes.mid(38, 32), QByteArray(32, '\x33'));
        QCOMPARE(quint8(bytes[70]), quint8(HeartbeatPacket::Online));
        QCOMPARE(quint8(bytes[71]), quint8(0));
        QCOMPARE(bytes.size(), 72 + 32);
    }

    void invalidFieldsAreNotEncoded() {
        HeartbeatPacket packet = samplePacket();
        QVERIFY(!packet.encode(kKey).isEmpty());
        QVERIFY(packet.encode(QByteArray()).isEmpty());
        auto with = [&](auto change) {
            HeartbeatPacket changed = samplePacket();
            change(changed);
            return changed.encode(kKey);
        };
        QVERIFY(with([](HeartbeatPacket& p) { p.clusterName.clear(); }).isEmpty());
        QVERIFY(with([](HeartbeatPacket& p) { p.senderName.clear(); }).isEmpty());
        QVERIFY(with([](HeartbeatPacket& p) { p.senderName = QString(256, 'x'); }).isEmpty());
        QVERIFY(with([](HeartbeatPacket& p) {
                    p.clusterName = QString(128, QChar(0xe9));
                }).isEmpty()); // 128 characters but 256 bytes
        QVERIFY(with([](HeartbeatPacket& p) { p.configHash.chop(1); }).isEmpty());
        QVERIFY(with([](HeartbeatPacket& p) { p.state = 4; }).isEmpty());
        QVERIFY(with([](HeartbeatPacket& p) { p.flags = 0x02; }).isEmpty());
    }

    void everySingleByteChangeIsRejected() {
        const QByteArray bytes = samplePacket().encode(kKey);
        int forged = 0;
        int malformed = 0;
        for (int position = 0; position < bytes.size(); ++position) {
            for (int value = 0; value < 256; ++value) {
                if (char(value) == bytes[position])
                    continue;
                QByteArray changed = bytes;
                changed[position] = char(value);
                const Result result = HeartbeatPacket::decode(changed, "cluster1", kKey, nullptr);
                if (result == Result::Forged)
                    ++forged;
                else if (result == Result::Malformed)
                    ++malformed;
                else
                    QFAIL(qPrintable(QStringLiteral("byte %1 set to %2 gives %3")
                                         .arg(position)
                                         .arg(value)
                                         .arg(describe(result))));
            }
        }
        QVERIFY(forged > 0);
        QVERIFY(malformed > 0);
    }

    void truncationsAndExtensionsAreMalformed() {
        const QByteArray bytes = samplePacket().encode(kKey);
        for (int size = 0; size < bytes.size(); ++size)
            QCOMPARE(HeartbeatPacket::decode(bytes.left(size), "cluster1", kKey, nullptr),
                     Result::Malformed);
        QCOMPARE(HeartbeatPacket::decode(bytes + '\0', "cluster1", kKey, nullptr),
                 Result::Malformed);
        QCOMPARE(HeartbeatPacket::decode(QByteArray(HeartbeatPacket::kMaxSize + 1, 'L'), "cluster1",
                                         kKey, nullptr),
                 Result::Malformed);
    }

    void foreignClusterIsReported() {
        HeartbeatPacket packet = samplePacket();
        packet.clusterName = QStringLiteral("cluster2");
        const QByteArray bytes = packet.encode(kKey);
        HeartbeatPacket decoded;
        decoded.sequence = 7;
        QCOMPARE(HeartbeatPacket::decode(bytes, "cluster1", kKey, &decoded),
                 Result::ForeignCluster);
        QCOMPARE(decoded.sequence, quint64(7)); // untouched unless Ok
    }

    void wrongKeyIsForged() {
        const QByteArray bytes = samplePacket().encode(kKey);
        QByteArray otherKey = kKey;
        otherKey[0] = 'x';
        QCOMPARE(HeartbeatPacket::decode(bytes, "cluster1", otherKey, nullptr), Result::Forged);
        QCOMPARE(HeartbeatPacket::decode(bytes, "cluster1", QByteArray(), nullptr), Result::Forged);
        // Another cluster with its own key looks forged too: the name is trusted only once
        // the MAC holds.
        HeartbeatPacket foreign = samplePacket();
        foreign.clusterName = QStringLiteral("cluster2");
        QCOMPARE(HeartbeatPacket::decode(foreign.encode(otherKey), "cluster1", kKey, nullptr),
                 Result::Forged);
    }

    void invalidUtf8NameIsMalformed() {
        HeartbeatPacket packet = samplePacket();
        packet.senderName = QStringLiteral("ab");
        QByteArray bytes = packet.encode(kKey);
        bytes[15] = char(0xff); // inside the sender name; the MAC no longer matters
        QCOMPARE(HeartbeatPacket::decode(bytes, "cluster1", kKey, nullptr), Result::Malformed);
    }

    void incarnationsGrow() {
        const quint64 first = HeartbeatPacket::newIncarnation();
        QVERIFY(first > 1'600'000'000ULL * 1'000'000'000ULL); // after 2020, in ns
        QVERIFY(HeartbeatPacket::newIncarnation() >= first);
    }
};

QTEST_GUILESS_MAIN(TestHeartbeatPacket)
#include "tst_heartbeat_packet.moc"
