// clpbuilder — the Lifeline Builder: make a cluster configuration with the Cluster
// Generation Wizard, or open one, look through it, and save it.
//
//   clpbuilder [DIR]     DIR holds clp.conf and scripts/ (opened at start)

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("clpbuilder"));
    QApplication::setOrganizationName(QStringLiteral("Lifeline")); // QSettings: trusted certificates
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lifeline Builder: cluster configuration"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("DIR"),
                                 QStringLiteral("folder holding clp.conf and scripts/"));
    parser.process(app);
    lifeline::builder::MainWindow window;
    if (!parser.positionalArguments().isEmpty()) {
        QString error;
        if (!window.openDirectory(parser.positionalArguments().first(), &error)) {
            std::fprintf(stderr, "clpbuilder: %s\n", qPrintable(error));
            return 2;
        }
    }
    window.show();
    return app.exec();
}
