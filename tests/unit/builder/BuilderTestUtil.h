#pragma once

// Helpers for the Builder's GUI tests: find a named child widget (the test stops
// with the name when it is missing), type as a user does, and where screenshots go.

#include <QDir>
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

inline QString screenshotDir() {
    const QString dir = QStringLiteral(LIFELINE_BINARY_DIR "/tests/screenshots/builder");
    QDir().mkpath(dir);
    return dir;
}

} // namespace buildertest
