// Framing: uint32 big-endian length + JSON object, 4 MiB at most, split and joined arbitrarily.

#include "RpcFrameCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QtEndian>

using namespace lifeline::rpc;

namespace {

QByteArray header(quint32 size) {
    QByteArray bytes(4, Qt::Uninitialized);
    qToBigEndian(size, bytes.data());
    return bytes;
}

// A JSON object whose compact text is exactly `size` bytes: {"s":"xxx..."}.
QJsonObject objectOfSize(qsizetype size) {
    return {{QStringLiteral("s"), QString(size - 8, QLatin1Char('x'))}};
}

} // namespace

class TestRpcFrameCodec : public QObject {
    Q_OBJECT
private slots:
    void roundTripByteByByte() {
        const QJsonObject a{{"id", 1}, {"method", "ping"}, {"params", QJsonObject{{"x", "é"}}}};
        const QJsonObject b{{"id", 2}, {"list", QJsonArray{1, 2, 3}}};
        QString error;
        const QByteArray stream =
            RpcFrameCodec::encode(a, &error) + RpcFrameCodec::encode(b, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(qFromBigEndian<quint32>(stream.constData()),
                 quint32(QJsonDocument(a).toJson(QJsonDocument::Compact).size()));

        RpcFrameCodec codec;
        QList<QJsonObject> got;
        for (char byte : stream) {
            codec.append(QByteArray(1, byte));
            QJsonObject message;
            RpcFrameCodec::Result result;
            while ((result = codec.next(&message, &error)) == RpcFrameCodec::Result::Message)
                got << message;
            QCOMPARE(result, RpcFrameCodec::Result::NeedMore);
        }
        QCOMPARE(got, (QList<QJsonObject>{a, b}));
        QCOMPARE(codec.bufferedBytes(), 0);
    }

    void exactlyFourMebibytesIsAccepted() {
        const QJsonObject big = objectOfSize(RpcFrameCodec::kMaxMessageBytes);
        QString error;
        const QByteArray frame = RpcFrameCodec::encode(big, &error);
        QVERIFY2(!frame.isEmpty(), qPrintable(error));
        QCOMPARE(frame.size(), RpcFrameCodec::kHeaderBytes + 4 * 1024 * 1024);
        RpcFrameCodec codec;
        codec.append(frame);
        QJsonObject message;
        QCOMPARE(codec.next(&message, &error), RpcFrameCodec::Result::Message);
        QCOMPARE(message, big);
    }

    void oneByteMoreIsRefusedOnBothSides() {
        QString error;
        QVERIFY(RpcFrameCodec::encode(objectOfSize(RpcFrameCodec::kMaxMessageBytes + 1), &error)
                    .isEmpty());
        QCOMPARE(error, QStringLiteral("a message of 4194305 bytes exceeds the limit of 4194304 "
                                       "bytes (4 MiB)"));

        // The receiver refuses on the header alone, before the body arrives.
        RpcFrameCodec codec;
        codec.append(header(4 * 1024 * 1024 + 1));
        QJsonObject message;
        error.clear();
        QCOMPARE(codec.next(&message, &error), RpcFrameCodec::Result::Error);
        QCOMPARE(error, QStringLiteral("a message of 4194305 bytes exceeds the limit of 4194304 "
                                       "bytes (4 MiB)"));
    }

    void malformedMessages_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << header(0) << "an empty message";
        QTest::newRow("not json") << header(3) + "abc"
                                  << "a message is not valid JSON";
        QTest::newRow("array") << header(2) + "[]"
                               << "a message is not a JSON object";
        QTest::newRow("huge") << header(0xffffffffu) << "a message of 4294967295 bytes exceeds";
    }

    void malformedMessages() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        RpcFrameCodec codec;
        codec.append(bytes);
        QJsonObject message;
        QString error;
        QCOMPARE(codec.next(&message, &error), RpcFrameCodec::Result::Error);
        QVERIFY2(error.startsWith(expected), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestRpcFrameCodec)
#include "tst_rpcframecodec.moc"
