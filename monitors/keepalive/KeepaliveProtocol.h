#pragma once

// The channel between lifelined (KeepaliveClient) and lifeline-keepalive: one end of a
// SOCK_STREAM socketpair (a pipe works too) inherited by the supervisor as --fd N.
// Plain C++ on purpose: the supervisor links neither Qt nor the daemon library.
//
//   every byte but kStop   a pet: the deadline moves to now + timeout
//   kStop                  lifelined stops normally: the supervisor exits 0, no action
//   end of file            lifelined died (its end was closed without kStop): the final
//                          action at once, as ExpressCluster resets a server whose cluster
//                          daemon ends abnormally
//   no byte for timeout    lifelined's event loop is stalled: the final action

namespace lifeline::keepalive {

inline constexpr char kPet = 'P';
inline constexpr char kStop = 'S';

// Exit status of lifeline-keepalive.
inline constexpr int kExitStopped = 0;      // kStop received
inline constexpr int kExitUsage = 2;        // bad arguments or unusable --fd
inline constexpr int kExitActed = 3;        // the final action ran (sandbox: the command returned)
inline constexpr int kExitActionFailed = 4; // the final action could not be taken

} // namespace lifeline::keepalive
