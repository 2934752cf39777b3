# Every outside library, found the standard way. A missing one stops the
# configuration with one message that names the package and how to get it.

find_package(PkgConfig QUIET)
find_package(Threads REQUIRED)

function(inflight_missing what debian_package)
  message(FATAL_ERROR
    "inflight needs ${what}, which was not found.\n"
    "  Install it with:  scripts/setup.sh\n"
    "  or by hand:       sudo apt-get install ${debian_package}")
endfunction()

find_package(CURL 7.68 QUIET)
if(NOT CURL_FOUND)
  inflight_missing("libcurl (development files)" libcurl4-openssl-dev)
endif()

find_package(nlohmann_json 3.9 QUIET)
if(NOT nlohmann_json_FOUND)
  inflight_missing("nlohmann/json" nlohmann-json3-dev)
endif()

find_package(GTest QUIET)
if(NOT GTest_FOUND)
  inflight_missing("GoogleTest" "libgtest-dev libgmock-dev")
endif()

find_package(benchmark QUIET)
if(NOT benchmark_FOUND)
  inflight_missing("Google Benchmark" libbenchmark-dev)
endif()

if(NOT PKG_CONFIG_FOUND)
  inflight_missing("pkg-config" pkg-config)
endif()

pkg_check_modules(LIBEVENT QUIET IMPORTED_TARGET libevent_core>=2.1 libevent_pthreads>=2.1)
if(NOT LIBEVENT_FOUND)
  inflight_missing("libevent 2.1 (development files)" libevent-dev)
endif()

# mock_server's HTTP/2 (h2c): Debian 12's 1.52, whose security updates add the
# stream-reset rate limit and the CONTINUATION cap it relies on.
pkg_check_modules(LIBNGHTTP2 QUIET IMPORTED_TARGET libnghttp2>=1.52)
if(NOT LIBNGHTTP2_FOUND)
  inflight_missing("libnghttp2 (development files)" libnghttp2-dev)
endif()

# Optional: Boost.Asio and Boost.Beast (header-only), for chapter 04's Asio
# twin (04_coroutines/asio/). Without them the twin is skipped, nothing else.
# 1.81 is Debian 12's, the version the twin is written and tested against.
find_package(Boost 1.81 CONFIG QUIET)
if(Boost_FOUND)
  set(INFLIGHT_ASIO_TWIN ON)
else()
  set(INFLIGHT_ASIO_TWIN OFF)
  message(STATUS "Boost 1.81 not found: skipping 04_asio, chapter 04's Asio twin "
                 "(scripts/setup.sh installs libboost1.81-dev)")
endif()
