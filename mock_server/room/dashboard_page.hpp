// /dashboard's page (dashboard.html), compiled in: the server serves it with
// nothing to find on disk, from any working directory.
#pragma once

#include <string_view>

namespace inflight::mock {

std::string_view dashboard_page();

}  // namespace inflight::mock
