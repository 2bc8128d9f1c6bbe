// Reads vCards (stdin) with belcard, the vCard 4 parser liblinphone uses
// for its friend lists, and prints what it retained: a "CARD" line per card,
// then one "NAME<TAB>value" line per property, backslash, newline and tab
// escaped. The end-to-end test TestLinphoneReadsVCards builds and runs it.
#include <belcard/belcard.hpp>
#include <belcard/belcard_parser.hpp>
#include <iostream>
#include <iterator>
#include <string>

static std::string escaped(const std::string &s) {
	std::string out;
	for (char c : s) {
		switch (c) {
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\t': out += "\\t"; break;
		default: out += c;
		}
	}
	return out;
}

int main() {
	std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
	auto list = belcard::BelCardParser::getInstance()->parse(input);
	if (!list) {
		std::cerr << "belcard could not parse the input" << std::endl;
		return 1;
	}
	for (const auto &card : list->getCards()) {
		std::cout << "CARD" << std::endl;
		for (const auto &p : card->getProperties()) {
			std::cout << escaped(p->getName()) << '\t' << escaped(p->getValue()) << std::endl;
		}
	}
	return 0;
}
