#pragma once

// Helpers for the Builder's GUI tests: find a named child widget (the test stops
// with the name when it is missing), type as a user does, and where screenshots go.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QTest>
#include <QWidget>

namespace buildertest {

template <class T> T* child(QObject* parent, const QString& name) {
    auto* found = parent->findChild<T*>(name);
    if (!found)
        qFatal("no child widget named %s", qPrintable(name));
    return found;
}

// Replaces the text as typed, one key at a time (each key re-checks the page).
inline void type(QLineEdit* edit, const QString& text) {
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

// CTest runs these tests under xvfb-run (xcb) or offscreen; run by hand without a
// display and without QT_QPA_PLATFORM, they choose offscreen before QApplication starts.
inline const bool kPlatformChosen = [] {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    return true;
}();

inline QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

inline QString screenshotDir() {
    const QString dir = QStringLiteral(LIFELINE_BINARY_DIR "/tests/screenshots/builder");
    QDir().mkpath(dir);
    return dir;
}

} // namespace buildertest
