#include "AlertLog.h"

#include <QDir>

#include <csignal>
#include <cstdio>
#include <optional>
#include <pthread.h>
#include <syslog.h>

namespace lifeline::daemon {

namespace {

constexpr int kRecent = 200;

int syslogPriority(Alert::Type type) {
    switch (type) {
    case Alert::Type::Info:
        return LOG_INFO;
    case Alert::Type::Warning:
        return LOG_WARNING;
    case Alert::Type::Error:
        return LOG_ERR;
    }
    return LOG_NOTICE;
}

} // namespace

AlertLog::AlertLog(QString server, const QString& logDir)
    : server_(std::move(server)), file_(logDir + QStringLiteral("/alert.log")) {
    QDir().mkpath(logDir);
    if (!file_.open(QIODevice::Append | QIODevice::Text))
        std::fprintf(stderr, "lifelined: cannot open %s: %s\n", qPrintable(file_.fileName()),
                     qPrintable(file_.errorString()));
    openlog("lifelined", LOG_PID, LOG_DAEMON);
    thread_.setObjectName(QStringLiteral("alerts"));
    worker_ = new QObject;
    worker_->moveToThread(&thread_);
    // The thread inherits this mask: with every signal blocked it never takes the SIGTERM
    // that lifelined reads from a signalfd (blocked later, on the main thread only).
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    thread_.start();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

AlertLog::~AlertLog() {
    // Queued after every job still waiting, so those alerts are stored before the end.
    QMetaObject::invokeMethod(
        worker_,
        [this] {
            delete store_;
            store_ = nullptr;
        },
        Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
    delete worker_;
}

bool AlertLog::openStore(const QString& path, int maxRows, QString* error) {
    bool ok = false;
    QString why;
    QMetaObject::invokeMethod(
        worker_,
        [&] {
            auto store = std::make_unique<AlertStore>(path, server_, maxRows);
            ok = store->open(&why);
            if (ok) {
                delete store_;
                store_ = store.release();
            }
        },
        Qt::BlockingQueuedConnection);
    if (!ok && error)
        *error = why;
    return ok;
}

template <typename Result>
void AlertLog::onStore(std::function<Result(AlertStore*)> job,
                       std::function<void(const Result&)> reply) {
    QMetaObject::invokeMethod(
        worker_,
        [this, job = std::move(job), reply = std::move(reply)]() mutable {
            Result result = job(store_);
            // Dropped with this object's posted events when it is gone by then.
            QMetaObject::invokeMethod(
                this, [reply = std::move(reply), result = std::move(result)] { reply(result); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void AlertLog::raise(Alert::Type type, const QString& module, int id, const QString& message) {
    raise(type, module, id, message, {});
}

void AlertLog::raise(Alert::Type type, const QString& module, int id, const QString& message,
                     std::function<void(const Alert&)> done) {
    Alert a;
    a.time = QDateTime::currentDateTime();
    a.server = server_;
    a.module = module;
    a.type = type;
    a.id = id;
    a.message = message;
    const QByteArray line = a.line().toUtf8() + '\n';
    if (file_.isOpen()) {
        file_.write(line);
        file_.flush(); // a test or an administrator reads it while we run
    }
    std::fputs(line.constData(), stderr);
    recent_.append(a);
    if (recent_.size() > kRecent)
        recent_.removeFirst();

    onStore<Alert>(
        [a](AlertStore* store) mutable {
            // syslog(3) may block on /dev/log: here, not on the cluster service's thread.
            syslog(syslogPriority(a.type), "%s",
                   QStringLiteral("%1 %2 %3 %4 %5")
                       .arg(a.server, a.module, a.typeName())
                       .arg(a.id)
                       .arg(a.message)
                       .toUtf8()
                       .constData());
            QString why;
            if (store && !store->append(a, &why))
                std::fprintf(stderr, "lifelined: cannot store the alert in %s: %s\n",
                             qPrintable(store->path()), qPrintable(why));
            return a;
        },
        [this, done = std::move(done)](const Alert& stored) {
            if (stored.seq > 0)
                emit this->stored(stored);
            if (done)
                done(stored);
        });
}

void AlertLog::query(const AlertFilter& filter, std::function<void(const QList<Alert>&)> done) {
    using Answer = std::optional<QList<Alert>>;
    onStore<Answer>(
        [filter](AlertStore* store) -> Answer {
            if (!store)
                return std::nullopt;
            return store->query(filter);
        },
        [this, filter, done = std::move(done)](const Answer& answer) {
            if (answer) {
                done(*answer);
                return;
            }
            QList<Alert> out;
            for (const auto& a : recent_)
                if (filter.matches(a))
                    out.append(a);
            if (filter.max > 0 && out.size() > filter.max)
                out = out.mid(out.size() - filter.max);
            done(out);
        });
}

void AlertLog::marks(std::function<void(const QHash<QString, qint64>&)> done) {
    onStore<QHash<QString, qint64>>(
        [](AlertStore* store) { return store ? store->marks() : QHash<QString, qint64>(); },
        std::move(done));
}

void AlertLog::since(const QHash<QString, qint64>& marks, int limit,
                     std::function<void(const QList<Alert>&, bool more)> done) {
    using Answer = std::pair<QList<Alert>, bool>;
    onStore<Answer>(
        [marks, limit](AlertStore* store) {
            Answer answer{{}, false};
            if (store)
                answer.first = store->since(marks, limit, &answer.second);
            return answer;
        },
        [done = std::move(done)](const Answer& answer) { done(answer.first, answer.second); });
}

void AlertLog::merge(const QList<Alert>& alerts, bool contiguous,
                     std::function<void(const AlertStore::MergeResult&)> done) {
    onStore<AlertStore::MergeResult>(
        [alerts, contiguous](AlertStore* store) {
            if (!store)
                return AlertStore::MergeResult{false, 0, false, QStringLiteral("no alert store")};
            return store->merge(alerts, contiguous);
        },
        std::move(done));
}

} // namespace lifeline::daemon
