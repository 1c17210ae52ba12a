/**
 * The province codes a personal identification number (số định danh cá nhân) starts with: the
 * province or centrally-run city where the citizen's birth was registered, as the 63 provinces
 * stood when the list was made. A personal identification number is kept for life, so numbers
 * issued before the 2025 merger into 34 provinces keep these codes; how births registered after
 * 01/07/2025 are coded is not confirmed here (each merged province kept the name of one of these
 * 63, so if it kept that code too the list still covers it).
 *
 * Source: Thông tư 07/2016/TT-BCA, Phụ lục I "Bảng danh mục mã tỉnh, thành phố trực thuộc trung
 * ương nơi công dân đăng ký khai sinh" (the codes are the two-digit administrative-unit codes of
 * Quyết định 124/2004/QĐ-TTg with a leading 0). Thông tư 59/2021/TT-BCA replaced Thông tư
 * 07/2016 and keeps the structure. Confirmed against a published copy of the appendix.
 *
 * Not covered: a citizen whose birth was registered abroad carries a country code instead
 * (Thông tư 07/2016/TT-BCA, Điều 7); those numbers are refused here with a message saying so.
 */
export const PROVINCE_CODES_SOURCE = 'Thông tư 07/2016/TT-BCA, Phụ lục I (mã tỉnh, thành phố nơi công dân đăng ký khai sinh)';

export const PROVINCE_CODES: Readonly<Record<string, string>> = Object.freeze({
  '001': 'Hà Nội',
  '002': 'Hà Giang',
  '004': 'Cao Bằng',
  '006': 'Bắc Kạn',
  '008': 'Tuyên Quang',
  '010': 'Lào Cai',
  '011': 'Điện Biên',
  '012': 'Lai Châu',
  '014': 'Sơn La',
  '015': 'Yên Bái',
  '017': 'Hòa Bình',
  '019': 'Thái Nguyên',
  '020': 'Lạng Sơn',
  '022': 'Quảng Ninh',
  '024': 'Bắc Giang',
  '025': 'Phú Thọ',
  '026': 'Vĩnh Phúc',
  '027': 'Bắc Ninh',
  '030': 'Hải Dương',
  '031': 'Hải Phòng',
  '033': 'Hưng Yên',
  '034': 'Thái Bình',
  '035': 'Hà Nam',
  '036': 'Nam Định',
  '037': 'Ninh Bình',
  '038': 'Thanh Hóa',
  '040': 'Nghệ An',
  '042': 'Hà Tĩnh',
  '044': 'Quảng Bình',
  '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế',
  '048': 'Đà Nẵng',
  '049': 'Quảng Nam',
  '051': 'Quảng Ngãi',
  '052': 'Bình Định',
  '054': 'Phú Yên',
  '056': 'Khánh Hòa',
  '058': 'Ninh Thuận',
  '060': 'Bình Thuận',
  '062': 'Kon Tum',
  '064': 'Gia Lai',
  '066': 'Đắk Lắk',
  '067': 'Đắk Nông',
  '068': 'Lâm Đồng',
  '070': 'Bình Phước',
  '072': 'Tây Ninh',
  '074': 'Bình Dương',
  '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu',
  '079': 'Hồ Chí Minh',
  '080': 'Long An',
  '082': 'Tiền Giang',
  '083': 'Bến Tre',
  '084': 'Trà Vinh',
  '086': 'Vĩnh Long',
  '087': 'Đồng Tháp',
  '089': 'An Giang',
  '091': 'Kiên Giang',
  '092': 'Cần Thơ',
  '093': 'Hậu Giang',
  '094': 'Sóc Trăng',
  '095': 'Bạc Liêu',
  '096': 'Cà Mau',
});
