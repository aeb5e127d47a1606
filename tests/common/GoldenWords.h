#pragma once

// Golden tests whose result is one word per named case (policy steps): read the
// cases, compare with expected.json, and rewrite it with LIFELINE_UPDATE_GOLDEN=1.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace lifeline::testutil {

inline QJsonDocument readGoldenJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll());
}

// {case name: word} against the expected file (a failure is recorded by QCOMPARE).
inline void compareGoldenWords(const QJsonObject& actual, const QString& expectedPath) {
    if (qEnvironmentVariableIntValue("LIFELINE_UPDATE_GOLDEN") == 1) {
        QFile f(expectedPath);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(actual).toJson());
    }
    const auto expected = readGoldenJson(expectedPath).object();
    for (auto it = actual.begin(); it != actual.end(); ++it)
        QCOMPARE(it.value().toString(), expected.value(it.key()).toString());
    QCOMPARE(actual.size(), expected.size());
}

} // namespace lifeline::testutil
