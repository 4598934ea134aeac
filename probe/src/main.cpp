// main.cpp: headroom-probe's entry point; everything else is in cli.cpp.
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    return headroom::probe::run_cli(std::vector<std::string>(argv + 1, argv + argc), std::cin, std::cout,
                                    std::cerr);
}
